import { describe, expect, it } from 'vitest';
import { type EventPayload, isHttpUrl, linkResource, parseLinkTemplates } from '../src';

const event: EventPayload = {
  id: 'evt-1',
  event: 'capsule.created',
  timestamp: '2026-04-09T11:06:06Z',
  team_id: 'team/a b',
  actor: { type: 'system' },
  resource: { id: 'cl-1?x=&y#z', type: 'sandbox' },
  metadata: {},
};

describe('link templates', () => {
  it('parse resource_type=URL pairs, spaces around them allowed', () => {
    const templates = parseLinkTemplates(
      ' sandbox=https://app.wrenn.dev/capsules/{id} , host=http://ops.local:8080/t/{team_id}/hosts/{id}',
    );
    expect([...templates]).toEqual([
      ['sandbox', 'https://app.wrenn.dev/capsules/{id}'],
      ['host', 'http://ops.local:8080/t/{team_id}/hosts/{id}'],
    ]);
  });

  it.each([
    ['sandbox', /not resource_type=URL/],
    ['sandbox=ftp://app.wrenn.dev/{id}', /must be an http\(s\) URL/],
    ['sandbox=javascript:alert(1)//{id}', /must be an http\(s\) URL/],
    ['sandbox=app.wrenn.dev/{id}', /must be an http\(s\) URL/],
    ['sandbox=https://app.wrenn.dev/{name}', /unknown placeholder \{name\}/],
    ['sandbox=https://app.wrenn.dev/{}', /unknown placeholder \{\}/],
    ['capsule=https://app.wrenn.dev/{id}', /unknown resource type "capsule"/],
    ['host=https://a.dev/{id},host=https://b.dev/{id}', /listed twice/],
    [',', /must list/],
  ])('refuse %s', (text, reason) => {
    expect(() => parseLinkTemplates(text)).toThrow(reason);
  });

  it('URL-encode the id and team id into the link', () => {
    const templates = parseLinkTemplates('sandbox=https://app.wrenn.dev/t/{team_id}/capsules/{id}?tab=logs');
    const linked = linkResource(event, templates);
    expect(linked.resource.url).toBe('https://app.wrenn.dev/t/team%2Fa%20b/capsules/cl-1%3Fx%3D%26y%23z?tab=logs');
    expect(isHttpUrl(linked.resource.url)).toBe(true);
    expect(event.resource.url).toBeUndefined();
  });

  it('leave events alone when unset or when their resource type has no template', () => {
    expect(linkResource(event, undefined)).toBe(event);
    expect(linkResource(event, parseLinkTemplates('host=https://app.wrenn.dev/hosts/{id}'))).toBe(event);
  });
});
