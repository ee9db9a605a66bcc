/** The constraint a failed statement broke, through drizzle's error wrapper (postgres.js or PGlite). */
export function pgConstraint(e: unknown): string | undefined {
	const err = e as {
		cause?: { constraint?: string; constraint_name?: string };
		constraint?: string;
		constraint_name?: string;
	};
	return err.cause?.constraint ?? err.cause?.constraint_name ?? err.constraint ?? err.constraint_name;
}
