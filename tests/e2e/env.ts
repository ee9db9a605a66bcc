import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const E2E = {
	port: Number(process.env.E2E_PORT ?? 4173),
	get origin() {
		return `http://localhost:${this.port}`;
	},
	// Per port, so two runs on one machine never share a database.
	get dataDir() {
		return `tests/.output/e2e-data-${this.port}`;
	},
	/** The test clock's offset file (see src/lib/server/clock.ts): the server reads it, tests write it. */
	get clockFile() {
		return resolve(`tests/.output/e2e-clock-${this.port}`);
	}
};

/**
 * Moves the server's follow-up clock to `offsetMs` after the real time. Tests that move it put it back
 * to 0 when they finish, so the files after them see the real time.
 */
export function setServerClock(offsetMs: number) {
	writeFileSync(E2E.clockFile, String(offsetMs));
}

export const FIXTURE_PATH = `tests/.output/e2e-fixture-${E2E.port}.json`;

export interface Person {
	id: string;
	name: string;
	idNumber: string;
}

export interface Fixture {
	resident: { phone: string; code: string; id: string; name: string };
	/** Active at the centralised site JZ-C01 (in the demo staff's scope, not the clinician's). */
	centralResident: Person;
	/** Active at the community JZ-S01 (in the demo clinician's scope, not the staff's). */
	homeResident: Person;
	targetUserId: string;
	/** The active stays of those two residents, and the demo sites. */
	centralStayId: string;
	homeStayId: string;
	siteC01Id: string;
	communityS01Id: string;
	/** The demo resident's active stay. */
	residentStayId: string;
	/** At JZ-C01: plan time over, one test awaiting its result (release journey); signs in with phone + code. */
	readyResident: { id: string; name: string; phone: string; code: string; roomId: string };
	/** At JZ-C01: centralised phase just over, an open symptom alert (handover journey). */
	handoverResident: { id: string; name: string; roomId: string };
	/** At JZ-C01: two days into the centralised phase (room and site transfer journey). */
	moveResident: { id: string; name: string; roomId: string };
	/** The demo device's token (device API), scoped to JZ-C01 and JZ-C02. */
	deviceToken: string;
}

export function fixture(): Fixture {
	return JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Fixture;
}

export const DEMO = {
	// The demo admin's second factor: a public demo secret (README), as an authenticator app would hold it.
	admin: { username: 'admin', password: 'demo-admin-2026', totpSecret: 'ISOLATIONCAREDEMOADMINTOTPSECRET' },
	site_staff: { username: 'staff', password: 'demo-staff-2026' },
	clinician: { username: 'clinician', password: 'demo-clinician-2026' }
} as const;
