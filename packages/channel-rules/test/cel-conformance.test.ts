import { getConformanceSuite } from '@bufbuild/cel-spec/testdata/tests.js';
import { Environment } from '@marcbachmann/cel-js';
import { describe, expect, it } from 'vitest';

/**
 * The CEL specification's conformance data (as @bufbuild/cel-spec ships it),
 * run against the evaluator filters use: every test without variables whose
 * expected result is a bool, in the sections a filter over JSON relies on.
 * The numbers are pinned so an upgrade that changes the evaluator's answers is
 * noticed; README "Filters and quiet hours" says where it differs and why that
 * does not matter for filters.
 */
const SECTIONS = ['basic', 'comparisons', 'fields', 'lists', 'logic', 'macros', 'string'] as const;

interface SimpleTest {
  original?: {
    expr: string;
    bindings?: Record<string, unknown>;
    typeEnv?: unknown[];
    container?: string;
    disableMacros?: boolean;
    checkOnly?: boolean;
    resultMatcher?: { case?: string; value?: { kind?: { case?: string; value?: unknown } } };
  };
}
interface Suite {
  name: string;
  suites?: Suite[];
  tests?: SimpleTest[];
}

function boolTests(suite: Suite): Array<{ expr: string; want: boolean }> {
  const own = (suite.tests ?? []).flatMap((test) => {
    const o = test.original;
    const kind = o?.resultMatcher?.case === 'value' ? o.resultMatcher.value?.kind : undefined;
    if (!o || kind?.case !== 'boolValue') return [];
    if (Object.keys(o.bindings ?? {}).length > 0 || (o.typeEnv?.length ?? 0) > 0 || o.container) return [];
    if (o.disableMacros || o.checkOnly) return [];
    return [{ expr: o.expr, want: kind.value as boolean }];
  });
  return [...own, ...(suite.suites ?? []).flatMap(boolTests)];
}

describe('CEL conformance of the filter evaluator', () => {
  const sections = new Map((getConformanceSuite() as Suite).suites?.map((s) => [s.name, s]));
  const env = new Environment({ homogeneousAggregateLiterals: false });
  const passed = (tests: Array<{ expr: string; want: boolean }>) =>
    tests.filter(({ expr, want }) => {
      try {
        return env.evaluate(expr) === want;
      } catch {
        return false;
      }
    }).length;

  it('answers the specification’s bool tests as pinned', () => {
    const results = Object.fromEntries(
      SECTIONS.map((name) => {
        const tests = boolTests(sections.get(name) ?? { name });
        return [name, `${passed(tests)}/${tests.length}`];
      }),
    );
    expect(results).toEqual({
      basic: '2/4',
      comparisons: '284/336',
      fields: '12/20',
      lists: '14/18',
      logic: '14/18',
      macros: '26/28',
      string: '32/32',
    });
  });
});
