import { join } from 'node:path';
import type { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { infraDir, parseYamlFile, yamlFilesUnder } from './support/repo';

type Doc = { kind: string; metadata: { name: string } };
const docs = yamlFilesUnder(join(infraDir, 'k8s')).flatMap((file) => parseYamlFile(file) as Doc[]);
const find = <T>(kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name) as T;

describe('infra/k8s: /internal/* on a port of its own', () => {
  it('serves it on WRENN_INTERNAL_PORT, through the Service, open to the platform’s services and never the ingress', () => {
    const container = find<Deployment>('Deployment', 'wrenn-api').spec?.template.spec?.containers[0];
    const internal = container?.ports?.find((p) => p.name === 'internal')?.containerPort;
    expect(internal).toBeDefined();
    expect(container?.env?.find((e) => e.name === 'WRENN_INTERNAL_PORT')?.value).toBe(String(internal));
    expect(find<Service>('Service', 'wrenn-api').spec?.ports?.map((p) => p.targetPort)).toContain('internal');

    const rules = find<NetworkPolicy>('NetworkPolicy', 'wrenn-api').spec?.ingress ?? [];
    const opening = rules.filter((r) => r.ports?.some((p) => p.port === 'internal'));
    expect(opening).toHaveLength(1);
    expect(opening[0]?.ports?.map((p) => p.port)).toEqual(['internal']);
    expect(opening[0]?.from).toEqual([
      { namespaceSelector: {}, podSelector: { matchLabels: { 'wrenn.dev/channels-client': 'true' } } },
    ]);
  });
});
