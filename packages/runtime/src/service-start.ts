import { createSecretBox, type SecretBox } from '@wrenn/crypto';
import { createLogger, type Logger } from './logger';
import { createMetricsRegistry, type Registry } from './metrics';
import { startTracing, type Tracing, tracingFromEnv } from './tracing';

export interface ServiceStart {
  logger: Logger;
  /** Shut it down last, so the spans of the work finished before are exported. */
  tracing: Tracing;
  /** The process metrics under `wrenn_`, labelled with the app; the service adds its own. */
  metrics: Registry;
}

/**
 * What every service starts first: its logger, tracing (before anything starts
 * a span) and its metrics registry. `app` (`api`, `worker`) labels the metrics;
 * `wrenn-<app>` names the log lines and, unless `OTEL_SERVICE_NAME` says
 * otherwise, the traces.
 */
export async function startService(
  app: string,
  env: Parameters<typeof tracingFromEnv>[0] & { LOG_LEVEL?: string | undefined },
): Promise<ServiceStart> {
  const name = `wrenn-${app}`;
  const logger = createLogger({ name, level: env.LOG_LEVEL });
  // With no OTLP endpoint this loads nothing.
  const tracing = await startTracing({ ...tracingFromEnv(env, name), logger });
  return { logger, tracing, metrics: createMetricsRegistry(app) };
}

/** The secrets box of a service: the current key encrypts; the previous one, while set, still decrypts. */
export function secretBoxFromEnv(env: {
  WRENN_ENCRYPTION_KEY: string;
  WRENN_ENCRYPTION_KEY_PREVIOUS?: string | undefined;
}): SecretBox {
  return createSecretBox({
    key: env.WRENN_ENCRYPTION_KEY,
    previousKeys: env.WRENN_ENCRYPTION_KEY_PREVIOUS ? [env.WRENN_ENCRYPTION_KEY_PREVIOUS] : [],
  });
}
