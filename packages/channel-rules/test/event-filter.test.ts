import { describe, expect, it } from 'vitest';
import { checkFilter, compileFilter, MAX_FILTER_LENGTH } from '../src/event-filter';

const event = {
  id: 'evt-0a1b2c3d4e5f6g7h8i9j0k1l2',
  event: 'capsule.created',
  timestamp: '2026-12-04T11:06:06Z',
  team_id: 'team-0a1b2c3d4e5f6g7h8i9j0k1l2',
  actor: { type: 'user', id: 'usr-0a1b2c3d4e5f6g7h8i9j0k1l2', name: 'Ada' },
  resource: { id: 'cl-0a1b2c3d4e5f6g7h8i9j0k1l2', type: 'sandbox' },
  metadata: { template: 'python-3.12', labels: { env: 'prod', team: 'ml' }, tags: ['gpu', 'nightly'], vcpus: 4 },
};

function verdict(source: string, payload: Record<string, unknown> = event) {
  const check = checkFilter(source);
  if (!check.ok) throw new Error(check.message);
  return compileFilter(source)(payload);
}

describe('filters', () => {
  it.each([
    ['event.actor.type != "system" && event.metadata.template.startsWith("python")', 'pass'],
    ['event.metadata.template.endsWith("3.12") && event.metadata.template.contains("thon")', 'pass'],
    ['event.metadata.template.lowerAscii().matches("^py[a-z]+-3\\\\.1[0-9]$")', 'pass'],
    ['event.event in ["capsule.created", "capsule.destroyed"]', 'pass'],
    ['event.event in ["host.down"]', 'skip'],
    ['"gpu" in event.metadata.tags && event.metadata.tags.exists(t, t == "nightly")', 'pass'],
    ['event.metadata.labels.env == "prod" && event.metadata.labels["team"] != "web"', 'pass'],
    ['has(event.metadata.labels.env) && !has(event.metadata.labels.owner)', 'pass'],
    ['size(event.metadata.tags) == 2 && event.metadata.vcpus >= 4.0', 'pass'],
    ['has(event.actor.name) ? event.actor.name == "Ada" : false', 'pass'],
    ['event.metadata.tags.all(t, t.size() > 2)', 'pass'],
    ['event.actor.type == "system"', 'skip'],
  ])('%s → %s', (source, expected) => {
    expect(verdict(source).kind).toBe(expected);
  });

  it('counts a missing key as an error, which the caller treats as false', () => {
    const result = verdict('event.metadata.owner == "ada"');
    expect(result).toEqual({ kind: 'error', message: expect.stringContaining('owner') });
    // An actor without a name: the field is declared but absent from this event.
    const noName = { ...event, actor: { type: 'system' } };
    expect(verdict('event.actor.name == "Ada"', noName).kind).toBe('error');
    expect(verdict('has(event.actor.name) && event.actor.name == "Ada"', noName).kind).toBe('skip');
  });

  it('treats a non-bool result of a dyn expression as an error', () => {
    expect(verdict('event.metadata.template').kind).toBe('error');
  });

  it('refuses a type error with its position', () => {
    // The position is where the offending sub-expression starts.
    expect(checkFilter('event.actor.type != "system" && event.event == 1')).toEqual({
      ok: false,
      message: 'no such overload: string == int at line 1, column 33 (near "event.event == 1")',
    });
    expect(checkFilter('event.resourse.id == "x"')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/resourse.* at line 1, column \d+/),
    });
    expect(checkFilter('evnt.event == "x"')).toMatchObject({ ok: false, message: expect.stringContaining('evnt') });
  });

  it('refuses a syntax error with its position, also on a later line', () => {
    expect(checkFilter('event.event ==')).toMatchObject({
      ok: false,
      message: expect.stringContaining('at line 1, column 15 (at the end)'),
    });
    expect(checkFilter('event.event == "x" &&\n  (event.actor.type == ')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/at line 2, column \d+/),
    });
  });

  it('refuses what does not yield a bool', () => {
    expect(checkFilter('event.event')).toEqual({ ok: false, message: 'must yield a bool, but yields string' });
    expect(checkFilter('size(event.metadata)')).toMatchObject({ ok: false, message: expect.stringContaining('int') });
  });

  it('refuses expressions over the length and cost limits', () => {
    const long = `event.event == "${'x'.repeat(MAX_FILTER_LENGTH)}"`;
    expect(checkFilter(long)).toMatchObject({ ok: false, message: expect.stringContaining('at most 1000 characters') });
    expect(checkFilter('event.metadata.tags.exists(a, event.metadata.tags.exists(b, a == b))')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/inside another comprehension .* column 31/),
    });
    expect(checkFilter('event.metadata.template.matches("^(a+)+$")')).toMatchObject({
      ok: false,
      message: expect.stringContaining('exponential'),
    });
    expect(checkFilter('event.metadata.template.matches(event.actor.type)')).toMatchObject({
      ok: false,
      message: expect.stringContaining('string literal'),
    });
    const deep = `${'('.repeat(40)}true${')'.repeat(40)}`;
    expect(checkFilter(deep)).toMatchObject({ ok: false, message: expect.stringContaining('maxDepth') });
    expect(checkFilter('   ')).toMatchObject({ ok: false });
  });
});
