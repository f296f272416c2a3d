import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoFile, repoRoot } from './support/repo';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

const guide = readRepoFile('docs/operations.md');
const ruleBlock = /```yaml\n(groups:[\s\S]*?)```/.exec(guide)?.[1];

function sourceText(dir: string): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((path) =>
      statSync(path).isDirectory() ? sourceText(path) : path.endsWith('.ts') ? readFileSync(path, 'utf8') : '',
    )
    .join('\n');
}

/** Metric names the apps define, with the process metrics of prom-client under the `wrenn_` prefix. */
function definedMetrics(): Set<string> {
  const sources = ['apps/api/src', 'apps/worker/src'].map((dir) => sourceText(join(repoRoot, dir))).join('\n');
  return new Set([...sources.matchAll(/name(?::|\s*=)\s*'(wrenn_[a-z0-9_]+)'/g)].map((m) => m[1] as string));
}

describe('the example alert rules in docs/operations.md', () => {
  it('parse as a Prometheus rule file', () => {
    expect(ruleBlock, 'a ```yaml block starting with groups:').toBeDefined();
    const rules = (parse(ruleBlock ?? '') as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Wrenn[A-Za-z]+$/);
      expect(rule.expr.trim()).not.toBe('');
      expect(rule.labels?.severity, rule.alert).toBeDefined();
      expect(rule.annotations?.summary, rule.alert).toBeDefined();
    }
  });

  it('use only metrics the apps expose', () => {
    const defined = definedMetrics();
    const used = new Set(
      [...(ruleBlock ?? '').matchAll(/\b(wrenn_[a-z0-9_]+)/g)]
        .map((m) => (m[1] as string).replace(/_(bucket|count|sum)$/, ''))
        // Default process metrics come from prom-client (packages/runtime/src/metrics.ts).
        .filter((name) => !/^wrenn_(process|nodejs)_/.test(name)),
    );
    expect(used.size).toBeGreaterThan(3);
    for (const name of used) expect(defined, `${name} is not defined in apps/*/src`).toContain(name);
  });
});
