import { Field } from './field';

/** The required channel name, with its API error under it; `hint` and `placeholder` where a form explains the rules. */
export function ChannelNameField({
  id,
  value,
  error,
  onChange,
  hint,
  placeholder,
}: {
  id: string;
  value: string;
  error: string | null;
  onChange: (name: string) => void;
  hint?: string;
  placeholder?: string;
}) {
  return (
    <Field
      id={id}
      label="Name"
      value={value}
      required
      placeholder={placeholder}
      hint={hint}
      error={error}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
