// Prints the demo admin's current second-factor code (the demo secret is public: see the README).
// Usage: npm run demo:totp [-- BASE32SECRET]
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateTOTP } from '@oslojs/otp';

const secret = process.argv[2] ?? 'ISOLATIONCAREDEMOADMINTOTPSECRET';
const left = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(
	`${generateTOTP(decodeBase32IgnorePadding(secret.replace(/\s/g, '').toUpperCase()), 30, 6)}  (valid ${left} s more)`
);
