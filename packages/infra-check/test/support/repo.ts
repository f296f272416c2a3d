import { spawnSync } from 'node:child_process';
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

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs docker-compose v1 (what CI installs: the Debian package `docker-compose`),
 * else the Compose v2 plugin. Validates offline: no Docker engine is needed.
 */
export function dockerCompose(args: string[]): CommandResult {
  for (const [cmd, pre] of [
    ['docker-compose', []],
    ['docker', ['compose']],
  ] as const) {
    // Only the env file decides the variables, not whatever the calling shell exports.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
    const result = spawnSync(cmd, [...pre, ...args], { cwd: repoRoot, env, encoding: 'utf8' });
    if (result.error || (cmd === 'docker' && /is not a docker command|unknown command/i.test(result.stderr))) continue;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }
  throw new Error(
    'docker-compose is not installed: run "apt-get install -y docker-compose" (.ci/run installs it) to validate infra/compose.yaml',
  );
}
