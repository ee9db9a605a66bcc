/**
 * Password hashing with argon2id (@node-rs/argon2). Parameters follow OWASP's minimum for argon2id
 * (19 MiB memory, 2 iterations, 1 lane): slow enough to make offline guessing expensive, fast enough
 * (~30 ms here) that a login stays snappy.
 */
import { hash, verify } from '@node-rs/argon2';

const options = { memoryCost: 19_456, timeCost: 2, outputLen: 32, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}
