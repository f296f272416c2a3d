import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { infraDir, parseYamlFile, repoRoot, yamlFilesUnder } from './support/repo';

// The Kubernetes OpenAPI schemas, compiled to validators inside kubernetes-models: offline.
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}
interface ScaledObjectSpec {
  scaleTargetRef: Record<string, string>;
  minReplicaCount: number;
  maxReplicaCount: number;
  triggers: { type: string; metadata: Record<string, string> }[];
}
interface Kustomization {
  resources: string[];
  images?: { name: string }[];
}

const files = yamlFilesUnder(join(infraDir, 'k8s'));
const documents = files.flatMap((file) => parseYamlFile(file).map((doc) => ({ file, doc: doc as Manifest })));
// KEDA's custom resource has no schema here; its own test below checks it.
const manifests = documents.filter(({ doc }) => doc.kind !== 'Kustomization' && doc.kind !== 'ScaledObject');
const scaledObjects = documents.filter(({ doc }) => doc.kind === 'ScaledObject');
const kustomizations = documents.filter(({ doc }) => doc.kind === 'Kustomization');

function byKind<T>(kind: string): (T & Manifest)[] {
  return manifests.filter(({ doc }) => doc.kind === kind).map(({ doc }) => doc as T & Manifest);
}
const deployments = byKind<Deployment>('Deployment');
const jobs = byKind<Job>('Job');
const workloads = [...deployments, ...jobs].map((w) => ({
  name: w.metadata.name,
  pod: w.spec?.template.spec as IPodSpec,
  labels: w.spec?.template.metadata?.labels ?? {},
}));
const deployment = (name: string) => {
  const found = deployments.find((d) => d.metadata.name === name);
  if (!found) throw new Error(`no Deployment ${name} in infra/k8s`);
  return found;
};
const mainContainer = (d: Deployment) => d.spec?.template.spec?.containers[0] as IContainer;

describe('infra/k8s', () => {
  it('has the objects an operator needs', () => {
    const kinds = manifests.map(({ doc }) => `${doc.kind}/${doc.metadata.name}`).sort();
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Deployment/wrenn-api',
        'Deployment/wrenn-worker',
        'Service/wrenn-api',
        'Job/wrenn-migrate',
        'HorizontalPodAutoscaler/wrenn-worker',
        'PodDisruptionBudget/wrenn-api',
        'PodDisruptionBudget/wrenn-worker',
        'Secret/wrenn-secrets',
      ]),
    );
  });

  it.each(manifests.map(({ file, doc }) => [`${file}: ${doc.kind}/${doc.metadata?.name}`, doc] as const))(
    '%s matches the Kubernetes schema',
    (_, doc) => {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `unexpected apiVersion/kind ${doc.apiVersion}/${doc.kind}`).toBeDefined();
      expect(() => new (Model as NonNullable<typeof Model>)(doc as never).validate()).not.toThrow();
    },
  );

  it('lists every manifest in a kustomization, except the Secret example', () => {
    for (const { file, doc } of kustomizations) {
      const dir = dirname(file);
      const { resources } = doc as unknown as Kustomization;
      for (const resource of resources)
        expect(existsSync(join(repoRoot, dir, resource)), `${dir}/${resource}`).toBe(true);
      // A directory resource is a base (an overlay's `../`), not a sibling file.
      const fileResources = resources.filter((r) => !r.endsWith('/'));
      const siblings = files.filter(
        (f) => dirname(f) === dir && !/kustomization\.yaml$|secret\.example\.yaml$/.test(f),
      );
      expect(fileResources.map((r) => join(dir, r)).sort()).toEqual(siblings.sort());
    }
    const images = new Set(
      kustomizations.flatMap(({ doc }) => (doc as unknown as Kustomization).images ?? []).map((i) => i.name),
    );
    for (const { pod } of workloads) for (const c of pod.containers) expect(images).toContain(c.image);
  });

  it('runs every pod as non-root, without privileges, with requests and limits', () => {
    expect(workloads.length).toBeGreaterThanOrEqual(3);
    for (const { name, pod } of workloads) {
      expect(pod.securityContext?.runAsNonRoot, name).toBe(true);
      expect(pod.securityContext?.runAsUser, name).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken, name).toBe(false);
      // The apps finish in-flight work within 30 s of SIGTERM.
      expect(pod.terminationGracePeriodSeconds, name).toBeGreaterThanOrEqual(35);
      for (const c of pod.containers) {
        expect(c.securityContext?.allowPrivilegeEscalation, name).toBe(false);
        expect(c.securityContext?.readOnlyRootFilesystem, name).toBe(true);
        expect(c.securityContext?.capabilities?.drop, name).toContain('ALL');
        for (const kind of ['requests', 'limits'] as const) {
          expect(c.resources?.[kind], `${name} ${kind}`).toHaveProperty('cpu');
          expect(c.resources?.[kind], `${name} ${kind}`).toHaveProperty('memory');
        }
      }
    }
  });

  it('probes liveness on /health and readiness on /ready, on a declared port', () => {
    for (const name of ['wrenn-api', 'wrenn-worker']) {
      const c = mainContainer(deployment(name));
      expect(c.livenessProbe?.httpGet?.path, name).toBe('/health');
      expect(c.readinessProbe?.httpGet?.path, name).toBe('/ready');
      const ports = (c.ports ?? []).flatMap((p) => [p.name, p.containerPort]);
      expect(ports, name).toContain(c.livenessProbe?.httpGet?.port);
      expect(ports, name).toContain(c.readinessProbe?.httpGet?.port);
      expect(c.env?.find((e) => e.name === 'PORT')?.value, name).toBe(String(c.ports?.[0]?.containerPort));
      expect(c.envFrom?.map((e) => e.secretRef?.name)).toContain('wrenn-secrets');
    }
  });

  it('points the Service, the PDBs and the HPA at the right pods', () => {
    const api = deployment('wrenn-api');
    const worker = deployment('wrenn-worker');
    const podLabels = (d: Deployment) => d.spec?.template.metadata?.labels ?? {};
    const selects = (selector: Record<string, string> | undefined, d: Deployment) =>
      Object.entries(selector ?? {}).every(([k, v]) => podLabels(d)[k] === v) && Object.keys(selector ?? {}).length > 0;

    const service = byKind<Service>('Service').find((s) => s.metadata.name === 'wrenn-api');
    expect(selects(service?.spec?.selector, api)).toBe(true);
    expect(mainContainer(api).ports?.map((p) => p.name)).toContain(service?.spec?.ports?.[0]?.targetPort);

    const pdbs = byKind<PodDisruptionBudget>('PodDisruptionBudget');
    for (const d of [api, worker]) {
      expect(
        pdbs.some((p) => selects(p.spec?.selector?.matchLabels, d)),
        d.metadata?.name,
      ).toBe(true);
      expect(selects(d.spec?.selector.matchLabels, d)).toBe(true);
    }

    const [hpa, ...others] = byKind<HorizontalPodAutoscaler>('HorizontalPodAutoscaler');
    expect(others).toEqual([]);
    expect(hpa?.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'wrenn-worker' });
    expect(hpa?.spec?.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpa?.spec?.maxReplicas).toBeGreaterThan(hpa?.spec?.minReplicas ?? 0);
  });

  it('serves metrics on a port of their own, reachable from Prometheus only', () => {
    const policies = byKind<NetworkPolicy>('NetworkPolicy');
    const fromPrometheus = (peer: { namespaceSelector?: unknown; podSelector?: unknown }) =>
      JSON.stringify(peer) ===
      JSON.stringify({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      });
    for (const name of ['wrenn-api', 'wrenn-worker']) {
      const d = deployment(name);
      const c = mainContainer(d);
      const metricsPort = c.ports?.find((p) => p.name === 'metrics')?.containerPort;
      expect(metricsPort, name).toBeDefined();
      expect(metricsPort).not.toBe(c.ports?.find((p) => p.name === 'http')?.containerPort);
      expect(c.env?.find((e) => e.name === 'WRENN_METRICS_PORT')?.value, name).toBe(String(metricsPort));
      expect(d.spec?.template.metadata?.annotations?.['prometheus.io/port'], name).toBe(String(metricsPort));

      const policy = policies.find((p) => p.spec?.podSelector.matchLabels?.['app.kubernetes.io/name'] === name);
      expect(policy, `a NetworkPolicy for ${name}`).toBeDefined();
      expect(policy?.spec?.policyTypes).toEqual(['Ingress']);
      const rules = policy?.spec?.ingress ?? [];
      const opening = (port: string) => rules.filter((r) => (r.ports ?? []).some((p) => p.port === port));
      // Every rule names its ports: none opens the whole pod.
      for (const rule of rules) expect(rule.ports?.length, name).toBeGreaterThan(0);
      const metricsRules = opening('metrics');
      expect(metricsRules.length, name).toBe(1);
      expect(metricsRules[0]?.from?.length).toBe(1);
      expect(fromPrometheus(metricsRules[0]?.from?.[0] ?? {}), name).toBe(true);
      expect(metricsRules[0]?.ports?.map((p) => p.port)).toEqual(['metrics']);
    }
    const apiHttp = policies
      .find((p) => p.metadata?.name === 'wrenn-api')
      ?.spec?.ingress?.filter((r) => r.ports?.some((p) => p.port === 'http'));
    const apiPeers = (apiHttp ?? []).flatMap((r) => r.from ?? []);
    expect(apiPeers).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
    });
    const workerHttp = policies
      .find((p) => p.metadata?.name === 'wrenn-worker')
      ?.spec?.ingress?.filter((r) => r.ports?.some((p) => p.port === 'http'));
    expect(workerHttp).toEqual([]);
  });

  it('offers KEDA scaling on queue depth as an overlay that replaces the CPU autoscaler', () => {
    const [entry, ...others] = scaledObjects;
    expect(others).toEqual([]);
    if (!entry) throw new Error('no ScaledObject under infra/k8s');
    expect(entry.file).toBe('infra/k8s/keda/worker-scaledobject.yaml');
    const spec = (entry.doc as unknown as { spec: ScaledObjectSpec }).spec;
    expect(entry.doc.apiVersion).toBe('keda.sh/v1alpha1');
    expect(spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'wrenn-worker' });
    expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount);
    const queries = spec.triggers.map((t) => {
      expect(t.type).toBe('prometheus');
      expect(Number(t.metadata.threshold)).toBeGreaterThan(0);
      expect(t.metadata.serverAddress).toMatch(/^https?:\/\//);
      return t.metadata.query;
    });
    expect(queries).toEqual([
      'max(wrenn_queue_jobs{queue="deliveries",state="waiting"})',
      'max(wrenn_queue_oldest_waiting_seconds{queue="deliveries"})',
    ]);

    // Not in the default kustomization; its overlay drops the CPU HPA that KEDA's own would fight.
    const base = kustomizations.find(({ file }) => file === 'infra/k8s/kustomization.yaml');
    const baseResources = (base?.doc as unknown as Kustomization | undefined)?.resources ?? [];
    expect(baseResources).toContain('worker-hpa.yaml');
    expect(baseResources.some((r) => r.includes('keda'))).toBe(false);
    const overlay = kustomizations.find(({ file }) => file === 'infra/k8s/keda/kustomization.yaml');
    if (!overlay) throw new Error('no infra/k8s/keda/kustomization.yaml');
    const { resources, patches } = overlay.doc as unknown as Kustomization & { patches: { patch: string }[] };
    expect(resources).toEqual(['../', 'worker-scaledobject.yaml']);
    const [deletion] = patches.map((p) => parseYaml(p.patch) as Record<string, unknown>);
    expect(deletion).toMatchObject({
      $patch: 'delete',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'wrenn-worker' },
    });
  });

  it('migrates with a one-shot Job of the API image', () => {
    const [job] = jobs;
    const pod = job?.spec?.template.spec;
    expect(pod?.restartPolicy).toBe('Never');
    expect(pod?.containers[0]?.image).toBe(mainContainer(deployment('wrenn-api')).image);
    expect(pod?.containers[0]?.command).toEqual(['node', 'apps/api/dist/migrate.js']);
  });

  it('ships a Secret example with every key the workloads use and placeholders only', () => {
    const [secret] = byKind<Secret>('Secret');
    const data = secret?.stringData ?? {};
    for (const key of [
      'DATABASE_URL',
      'REDIS_URL',
      'WRENN_ENCRYPTION_KEY',
      'WRENN_JWT_SECRET',
      'WRENN_INTERNAL_TOKEN',
    ]) {
      expect(data).toHaveProperty(key);
    }
    for (const { pod } of workloads) {
      for (const env of pod.containers.flatMap((c) => c.env ?? [])) {
        const ref = env.valueFrom?.secretKeyRef;
        if (ref) expect(data).toHaveProperty(ref.key);
      }
    }
    for (const value of Object.values(data)) expect(value).not.toMatch(/^[0-9a-f]{32,}$/i);
    expect(data.WRENN_ENCRYPTION_KEY).toBe('change-me');
  });
});
