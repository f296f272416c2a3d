import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateApiSchema, SCHEMA_FILE } from './api-schema';

writeFileSync(SCHEMA_FILE, await generateApiSchema());
console.log(`wrote ${fileURLToPath(SCHEMA_FILE)}`);
