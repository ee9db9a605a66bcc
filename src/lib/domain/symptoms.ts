/**
 * The symptom codes of a reading (DESIGN §3 "Readings"), re-exported by ./vitals with the rest of a
 * reading. A module of their own so that a form needing only the list does not ship the ranges too.
 */

/** Symptom codes, in the order forms show them (发热、干咳、乏力、咽痛、嗅味觉减退、腹泻、气促、肌痛、流涕). */
export const SYMPTOMS = [
	'fever',
	'dry_cough',
	'fatigue',
	'sore_throat',
	'smell_taste_loss',
	'diarrhoea',
	'shortness_of_breath',
	'muscle_ache',
	'runny_nose'
] as const;
export type Symptom = (typeof SYMPTOMS)[number];
