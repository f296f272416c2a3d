import { type ASTNode, Environment } from '@marcbachmann/cel-js';
import { filterCostProblem } from './filter-cost';
import { describeIssue, type SourceIssue } from './source-position';

/** A filter is at most this many characters (CONTRACT 6). */
export const MAX_FILTER_LENGTH = 1_000;

/**
 * The variable a filter sees: the webhook JSON. Declared field by field so a
 * typo (`event.resourse.id`) or a comparison of the wrong type
 * (`event.event == 1`) is refused when the filter is saved, not silently false
 * on every event; `metadata` is free-form.
 */
const EVENT_SCHEMA = {
  id: 'string',
  event: 'string',
  timestamp: 'string',
  team_id: 'string',
  actor: { type: 'string', id: 'string', name: 'string' },
  resource: { id: 'string', type: 'string', url: 'string' },
  metadata: 'map<string, dyn>',
} as const;

/**
 * Structural limits, checked while parsing: with the 1,000-character cap they
 * bound the work of one evaluation (see `filterCostProblem` for the rest).
 */
const LIMITS = { maxAstNodes: 400, maxDepth: 32, maxListElements: 100, maxMapEntries: 50, maxCallArguments: 8 };

const environment = new Environment({ limits: LIMITS }).registerVariable({ name: 'event', schema: EVENT_SCHEMA });

export type FilterCheck = { ok: true } | { ok: false; message: string };

/** Why an event passed a filter or not. `error`: the evaluation failed (a missing key…), which counts as false. */
export type FilterVerdict = { kind: 'pass' } | { kind: 'skip' } | { kind: 'error'; message: string };

/** A checked filter, ready to run against event payloads. */
export type CompiledFilter = (event: Record<string, unknown>) => FilterVerdict;

type Compiled =
  | { ok: true; run: (context: { event: Record<string, unknown> }) => unknown }
  | (FilterCheck & { ok: false });

function compile(source: string): Compiled {
  if (source.length > MAX_FILTER_LENGTH) {
    return { ok: false, message: `must be at most ${MAX_FILTER_LENGTH} characters (it has ${source.length})` };
  }
  if (source.trim() === '') return { ok: false, message: 'must be a CEL expression (use null to remove the filter)' };
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = environment.parse(source);
  } catch (err) {
    return { ok: false, message: describeIssue(source, err as SourceIssue) };
  }
  const checked = parsed.check();
  if (!checked.valid) return { ok: false, message: describeIssue(source, checked.error as SourceIssue) };
  // `dyn` passes: `event.metadata.urgent` may well hold a bool, and anything else is false at run time.
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return { ok: false, message: `must yield a bool, but yields ${checked.type}` };
  }
  const cost = filterCostProblem(parsed.ast as ASTNode);
  if (cost) return { ok: false, message: describeIssue(source, cost) };
  return { ok: true, run: parsed };
}

/** Parses and type-checks a filter; the message quotes the problem and its position. */
export function checkFilter(source: string): FilterCheck {
  const compiled = compile(source);
  return compiled.ok ? { ok: true } : compiled;
}

/**
 * Compiles a filter saved earlier (it passed `checkFilter`). Throws if it no
 * longer does, which only a change of these rules can cause.
 */
export function compileFilter(source: string): CompiledFilter {
  const compiled = compile(source);
  if (!compiled.ok) throw new Error(`stored filter no longer compiles: ${compiled.message}`);
  const { run } = compiled;
  return (event) => {
    try {
      const result = run({ event });
      if (result === true) return { kind: 'pass' };
      if (result === false) return { kind: 'skip' };
      return { kind: 'error', message: `yielded ${typeof result}, not a bool` };
    } catch (err) {
      return { kind: 'error', message: describeIssue(undefined, err as SourceIssue) };
    }
  };
}
