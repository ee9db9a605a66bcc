/**
 * Staff accounts, managed by admins; and a user's own password. Every change is audited in its
 * transaction; a role change, deactivation or password reset ends the user's sessions at once.
 */
import { and, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { Principal } from '../domain/access';
import { audit, changedFields } from './audit';
import { passwordProblem, type PasswordProblem } from './auth/password-policy';
import { hashPassword, verifyPassword } from './auth/password';
import { invalidateUserSessions } from './auth/session';
import { db } from './db';
import { pgConstraint } from './db/errors';
import * as t from './db/schema';

export type Result<T> = { ok: true; value: T } | { ok: false; error: string; field?: string };

export async function listUsers(filter: { q?: string; role?: string; active?: boolean } = {}) {
	const where = [sql`${t.users.role} <> 'resident'`];
	if (filter.q) {
		const like = `%${filter.q.replace(/[%_\\]/g, '\\$&')}%`;
		where.push(or(ilike(t.users.username, like), ilike(t.users.displayName, like))!);
	}
	if (filter.role) where.push(eq(t.users.role, filter.role as t.User['role']));
	if (filter.active !== undefined) where.push(eq(t.users.active, filter.active));
	const users = await db()
		.select({
			id: t.users.id,
			username: t.users.username,
			displayName: t.users.displayName,
			role: t.users.role,
			active: t.users.active,
			mustChangePassword: t.users.mustChangePassword,
			lastLoginAt: t.users.lastLoginAt,
			siteNames: sql<
				string[]
			>`coalesce((select array_agg(s.name order by s.name) from user_sites us join sites s on s.id = us.site_id where us.user_id = users.id), '{}')`
		})
		.from(t.users)
		.where(and(...where))
		.orderBy(asc(t.users.role), asc(t.users.username))
		.limit(500);
	return users;
}

export async function getUser(userId: string) {
	const [user] = await db().select().from(t.users).where(eq(t.users.id, userId));
	if (!user || user.role === 'resident') return null;
	const sites = await db()
		.select({ siteId: t.userSites.siteId })
		.from(t.userSites)
		.where(eq(t.userSites.userId, userId));
	return { ...user, siteIds: sites.map((s) => s.siteId) };
}

export async function listSitesForAssignment() {
	return db()
		.select({
			id: t.sites.id,
			name: t.sites.name,
			nameEn: t.sites.nameEn,
			kind: t.sites.kind,
			code: t.sites.code
		})
		.from(t.sites)
		.where(eq(t.sites.active, true))
		.orderBy(asc(t.sites.kind), asc(t.sites.code));
}

/** Site staff work at centralised sites, clinicians at communities; admins need no assignment. */
async function checkAssignments(role: string, siteIds: string[]): Promise<string | null> {
	if (role === 'admin') return siteIds.length ? 'admin_no_sites' : null;
	if (!siteIds.length) return 'sites_required';
	const rows = await db()
		.select({ id: t.sites.id, kind: t.sites.kind })
		.from(t.sites)
		.where(inArray(t.sites.id, siteIds));
	if (rows.length !== new Set(siteIds).size) return 'unknown_site';
	const kind = role === 'site_staff' ? 'centralised' : 'community';
	return rows.every((r) => r.kind === kind) ? null : 'wrong_site_kind';
}

export async function createUser(
	actor: Principal,
	input: {
		username: string;
		displayName: string;
		role: t.User['role'];
		siteIds: string[];
		password: string;
		idempotencyKey: string;
	},
	ip: string | null
): Promise<Result<{ id: string; replayed: boolean }>> {
	const [replay] = await db()
		.select({ id: t.users.id })
		.from(t.users)
		.where(eq(t.users.idempotencyKey, input.idempotencyKey));
	if (replay) return { ok: true, value: { id: replay.id, replayed: true } };
	const problem = passwordProblem(input.password, input.username);
	if (problem) return { ok: false, error: `password_${problem}`, field: 'password' };
	const siteProblem = await checkAssignments(input.role, input.siteIds);
	if (siteProblem) return { ok: false, error: siteProblem, field: 'siteIds' };
	const passwordHash = await hashPassword(input.password);
	try {
		const id = await db().transaction(async (tx) => {
			const [user] = await tx
				.insert(t.users)
				.values({
					username: input.username,
					displayName: input.displayName,
					role: input.role,
					passwordHash,
					mustChangePassword: true,
					idempotencyKey: input.idempotencyKey
				})
				.returning();
			if (input.siteIds.length)
				await tx.insert(t.userSites).values(input.siteIds.map((siteId) => ({ userId: user!.id, siteId })));
			await audit(tx, {
				actor,
				action: 'create',
				entity: 'user',
				entityId: user!.id,
				after: {
					username: user!.username,
					displayName: user!.displayName,
					role: user!.role,
					siteIds: input.siteIds
				},
				ip
			});
			return user!.id;
		});
		return { ok: true, value: { id, replayed: false } };
	} catch (e) {
		const constraint = pgConstraint(e);
		if (constraint === 'users_idempotency_key') {
			const [row] = await db()
				.select({ id: t.users.id })
				.from(t.users)
				.where(eq(t.users.idempotencyKey, input.idempotencyKey));
			return { ok: true, value: { id: row!.id, replayed: true } };
		}
		if (constraint === 'users_username_key') return { ok: false, error: 'username_taken', field: 'username' };
		throw e;
	}
}

export async function updateUser(
	actor: Principal,
	userId: string,
	input: { displayName: string; role: t.User['role']; siteIds: string[]; version: number },
	ip: string | null
): Promise<Result<null>> {
	const current = await getUser(userId);
	if (!current) return { ok: false, error: 'not_found' };
	if (userId === actor.userId && input.role !== current.role)
		return { ok: false, error: 'own_role', field: 'role' };
	const siteProblem = await checkAssignments(input.role, input.siteIds);
	if (siteProblem) return { ok: false, error: siteProblem, field: 'siteIds' };
	return db().transaction(async (tx) => {
		const updated = await tx
			.update(t.users)
			.set({
				displayName: input.displayName,
				role: input.role,
				version: sql`${t.users.version} + 1`,
				updatedAt: new Date()
			})
			.where(and(eq(t.users.id, userId), eq(t.users.version, input.version)))
			.returning({ id: t.users.id });
		if (!updated.length) return { ok: false, error: 'stale' } as const;
		await tx.delete(t.userSites).where(eq(t.userSites.userId, userId));
		if (input.siteIds.length)
			await tx.insert(t.userSites).values(input.siteIds.map((siteId) => ({ userId, siteId })));
		// A new role means new rights: no session made under the old one may go on.
		if (input.role !== current.role) await invalidateUserSessions(tx, userId);
		const diff = changedFields(
			{ displayName: current.displayName, role: current.role, siteIds: [...current.siteIds].sort() },
			{ displayName: input.displayName, role: input.role, siteIds: [...input.siteIds].sort() }
		);
		await audit(tx, { actor, action: 'update', entity: 'user', entityId: userId, ...diff, ip });
		return { ok: true, value: null } as const;
	});
}

export async function setActive(
	actor: Principal,
	userId: string,
	active: boolean,
	ip: string | null
): Promise<Result<null>> {
	if (userId === actor.userId) return { ok: false, error: 'own_account' };
	const current = await getUser(userId);
	if (!current) return { ok: false, error: 'not_found' };
	if (current.active === active) return { ok: true, value: null };
	await db().transaction(async (tx) => {
		await tx
			.update(t.users)
			.set({ active, version: sql`${t.users.version} + 1`, updatedAt: new Date() })
			.where(eq(t.users.id, userId));
		if (!active) await invalidateUserSessions(tx, userId);
		await audit(tx, {
			actor,
			action: active ? 'reactivate' : 'deactivate',
			entity: 'user',
			entityId: userId,
			before: { active: current.active },
			after: { active },
			ip
		});
	});
	return { ok: true, value: null };
}

/** A temporary password, shown once to the admin; the user must replace it at next sign-in. */
export function temporaryPassword(): string {
	const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
	const bytes = new Uint8Array(12);
	crypto.getRandomValues(bytes);
	const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]);
	return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

export async function resetPassword(
	actor: Principal,
	userId: string,
	ip: string | null
): Promise<Result<string>> {
	const current = await getUser(userId);
	if (!current) return { ok: false, error: 'not_found' };
	const password = temporaryPassword();
	const passwordHash = await hashPassword(password);
	await db().transaction(async (tx) => {
		await tx
			.update(t.users)
			.set({
				passwordHash,
				mustChangePassword: true,
				passwordChangedAt: new Date(),
				version: sql`${t.users.version} + 1`
			})
			.where(eq(t.users.id, userId));
		await invalidateUserSessions(tx, userId);
		await audit(tx, { actor, action: 'reset_password', entity: 'user', entityId: userId, ip });
	});
	return { ok: true, value: password };
}

export async function changeOwnPassword(
	actor: Principal,
	sessionId: string,
	input: { current: string; next: string },
	ip: string | null
): Promise<Result<null>> {
	const [user] = await db().select().from(t.users).where(eq(t.users.id, actor.userId));
	if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.current)))
		return { ok: false, error: 'wrong_password', field: 'current' };
	const problem: PasswordProblem | null = passwordProblem(input.next, user.username);
	if (problem) return { ok: false, error: `password_${problem}`, field: 'next' };
	if (input.next === input.current) return { ok: false, error: 'password_unchanged', field: 'next' };
	const passwordHash = await hashPassword(input.next);
	await db().transaction(async (tx) => {
		await tx
			.update(t.users)
			.set({
				passwordHash,
				mustChangePassword: false,
				passwordChangedAt: new Date(),
				version: sql`${t.users.version} + 1`
			})
			.where(eq(t.users.id, user.id));
		// Someone who knew the old password may be signed in elsewhere: end every other session.
		await invalidateUserSessions(tx, user.id, sessionId);
		await audit(tx, { actor, action: 'change_password', entity: 'user', entityId: user.id, ip });
	});
	return { ok: true, value: null };
}
