import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { infraDir, parseYamlFile, repoRoot, yamlFilesUnder } from './support/repo';

// The Kubernetes OpenAPI schemas, compiled to validators inside kubernetes-models: offline.
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
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
interface Kustomization {
  resources: string[];
  images?: { name: string }[];
}

const files = yamlFilesUnder(join(infraDir, 'k8s'));
const documents = files.flatMap((file) => parseYamlFile(file).map((doc) => ({ file, doc: doc as Manifest })));
const manifests = documents.filter(({ doc }) => doc.kind !== 'Kustomization');
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
      const siblings = files.filter(
        (f) => dirname(f) === dir && !/kustomization\.yaml$|secret\.example\.yaml$/.test(f),
      );
      expect(resources.map((r) => join(dir, r)).sort()).toEqual(siblings.sort());
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
