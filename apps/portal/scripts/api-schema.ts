import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../../api/src/http/openapi-document';

/** Where the generated client types live (committed, checked for staleness by a test). */
export const SCHEMA_FILE = new URL('../src/api/schema.d.ts', import.meta.url);

/** The TypeScript types of the API's own OpenAPI document. */
export async function generateApiSchema(): Promise<string> {
  const ast = await openapiTS(openApiDocument() as never);
  return `// Generated from the API's /openapi.json by \`pnpm --filter @wrenn/portal generate:api\`; do not edit.\n\n${astToString(ast)}`;
}
