import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const repoRoot = resolve(import.meta.dirname, '../../../..');
export const infraDir = join(repoRoot, 'infra');

export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

/** Every `.yaml`/`.yml` file under `dir`, as paths relative to the repository root. */
export function yamlFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...yamlFilesUnder(path));
    else if (/\.ya?ml$/.test(name)) found.push(relative(repoRoot, path));
  }
  return found;
}

/** The documents of a YAML file; a syntax error throws with the file named. */
export function parseYamlFile(path: string): unknown[] {
  const docs = parseAllDocuments(readRepoFile(path));
  return docs
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
      return doc.toJS() as unknown;
    })
    .filter((doc) => doc !== null && doc !== undefined);
}
