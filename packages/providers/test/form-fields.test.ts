import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES, providerForms, providers } from '../src';

describe('providerForms', () => {
  it.each(PROVIDER_NAMES)('%s describes exactly its config keys, with the same required flags', (name) => {
    const form = providerForms[name];
    const { required, optional, oneOf = [] } = providers[name].configKeys;
    expect(form.name).toBe(name);
    expect(form.fields.map((f) => f.key).sort()).toEqual([...required, ...optional, ...oneOf.flat()].sort());
    for (const field of form.fields) {
      expect(field.required).toBe(required.includes(field.key));
      // A field of an alternative form names its form, shared by exactly the keys of that form.
      const alternative = oneOf.find((keys) => keys.includes(field.key));
      if (alternative) {
        const sameForm = form.fields.filter((f) => f.form === field.form).map((f) => f.key);
        expect(sameForm.sort()).toEqual([...alternative].sort());
      } else {
        expect(field.form).toBeUndefined();
      }
      for (const text of [field.label, field.placeholder, field.help, field.where]) expect(text.trim()).not.toBe('');
    }
  });
});
