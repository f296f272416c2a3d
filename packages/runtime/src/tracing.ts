import type { Logger } from './logger';

export interface TracingOptions {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` (or its traces-only form) is set: spans are exported. */
  enabled: boolean;
  /** `OTEL_SERVICE_NAME`, or the service's default (`wrenn-api`, `wrenn-worker`). */
  serviceName: string;
  logger: Logger;
}

export interface Tracing {
  /** Exports the spans still buffered and stops; a no-op when tracing is off. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK when an OTLP endpoint is configured, and only
 * then: the SDK is imported here, so with tracing off it is never loaded and
 * every span the code starts through `@opentelemetry/api` is a no-op. The SDK
 * reads the standard `OTEL_*` variables itself (endpoint, protocol, headers,
 * sampler…). Traces only: metrics stay on `/metrics` (Prometheus) and logs on
 * standard output. No auto-instrumentation: the services start their own spans
 * (ingest, fan-out, attempts, outgoing requests), which works the same under
 * tsx, vitest and the bundled `dist`.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (!options.enabled) return { shutdown: async () => {} };
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  options.logger.info({ service: options.serviceName }, 'exporting traces over OTLP');
  return { shutdown: () => sdk.shutdown() };
}

/** The tracing options of a service from its parsed environment. */
export function tracingFromEnv(
  env: {
    OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
    OTEL_SERVICE_NAME?: string | undefined;
  },
  defaultServiceName: string,
): Omit<TracingOptions, 'logger'> {
  return {
    enabled: Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
    serviceName: env.OTEL_SERVICE_NAME ?? defaultServiceName,
  };
}
