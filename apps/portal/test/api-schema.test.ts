import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiSchema, SCHEMA_FILE } from '../scripts/api-schema';

describe('the generated API client types', () => {
  it('match the API’s current /openapi.json (run `pnpm --filter @wrenn/portal generate:api` when this fails)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await generateApiSchema());
  });
});
