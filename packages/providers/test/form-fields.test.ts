import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES, providerForms, providers } from '../src';

describe('providerForms', () => {
  it.each(PROVIDER_NAMES)('%s describes exactly its config keys, with the same required flags', (name) => {
    const form = providerForms[name];
    const { required, optional } = providers[name].configKeys;
    expect(form.name).toBe(name);
    expect(form.fields.map((f) => f.key).sort()).toEqual([...required, ...optional].sort());
    for (const field of form.fields) {
      expect(field.required).toBe(required.includes(field.key));
      for (const text of [field.label, field.placeholder, field.help, field.where]) expect(text.trim()).not.toBe('');
    }
  });
});
