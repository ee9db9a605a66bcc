/** Staff accounts for tests, returned as the principal the guards would build for them. */
import type { Principal, Role } from '../../../src/lib/domain/access';
import type { Db } from '../../../src/lib/server/db';
import * as t from '../../../src/lib/server/db/schema';
import { uniqueKey } from './factories';

export async function makeStaff(
	db: Db,
	role: Exclude<Role, 'resident'>,
	siteIds: string[] = [],
	displayName = `员工 ${uniqueKey('n').slice(-4)}`
): Promise<Principal> {
	const [user] = await db
		.insert(t.users)
		.values({ username: uniqueKey('u'), displayName, role })
		.returning();
	if (siteIds.length)
		await db.insert(t.userSites).values(siteIds.map((siteId) => ({ userId: user!.id, siteId })));
	return { userId: user!.id, role, siteIds, residentId: null, readOnly: false };
}
