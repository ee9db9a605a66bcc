/** What a Field hands to its control, ready to spread: `<Input {...a} />`. */
export type FieldControlProps = {
	id: string;
	/** Space-separated ids of the hint and the error, when shown. */
	describedBy: string | undefined;
	invalid: boolean;
	required: boolean;
};

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';
export type ButtonSize = 'sm' | 'md' | 'lg';
export type Tone = 'normal' | 'warning' | 'critical' | 'info' | 'neutral';
export type SelectOption = { value: string; label: string; disabled?: boolean };
