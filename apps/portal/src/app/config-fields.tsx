import { type ProviderDescription, type ProviderField, unwrap } from '../api/client';
import { Field } from './field';
import { errorFor } from './field-errors';
import { useCatalog } from './use-catalog';

/** `GET /v1/providers`: the form description of every provider; it never changes while the page is open. */
export function useProviders() {
  return useCatalog('providers', (api) => unwrap(api.GET('/v1/providers')));
}

/**
 * The config fields of one provider, built only from its description: a new
 * provider needs no UI code. Secret values use password inputs.
 */
export function ConfigFields({
  provider,
  values,
  onChange,
  error,
  idPrefix,
}: {
  provider: ProviderDescription;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  error: unknown;
  idPrefix: string;
}) {
  const keys = provider.fields.map((f) => f.key);
  return (
    <>
      {provider.fields.map((field) => (
        <Field
          key={`${provider.name}.${field.key}`}
          id={`${idPrefix}-${field.key}`}
          label={field.label}
          type={field.secret ? 'password' : 'text'}
          autoComplete="off"
          spellCheck={false}
          required={field.required}
          placeholder={field.placeholder}
          hint={`${field.help} Where: ${field.where}.${requirement(field)}`}
          value={values[field.key] ?? ''}
          error={errorFor(error, `config.${field.key}`, keys)}
          onChange={(e) => onChange({ ...values, [field.key]: e.target.value })}
        />
      ))}
    </>
  );
}

/** What the hint says about filling a field in: nothing when required, its form when it is one of several. */
function requirement(field: ProviderField): string {
  if (field.required) return '';
  return field.form ? ` Part of the ${field.form} form: fill in one form only.` : ' Optional.';
}

/** The config to send: empty optional values are left out. */
export function filledConfig(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
}
