import { type SecretBox, sealConfig } from '@wrenn/crypto';
import type { Database } from '@wrenn/db';
import { type DeliveryJob, type EventPayload, formatId, parseId } from '@wrenn/events';
import {
  isProviderName,
  type OutboundHttp,
  type ProviderSettings,
  type SendOutcome,
  sendEvent,
} from '@wrenn/providers';
import type { Logger } from '@wrenn/runtime';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Kysely } from 'kysely';
import { DeliveryRetryError, isLastAttempt, type RetrySchedule } from '../retry-schedule';
import type { WorkerMetrics } from '../worker-metrics';
import type { ConfigCache } from './config-cache';
import { type AttemptWriter, failWithoutAttempt } from './record-attempt';
import { reportAttempt } from './report-attempt';
import { storableOutcome } from './storable-outcome';
import type { TargetLoader } from './target-loader';

export interface DeliveryDeps {
  db: Kysely<Database>;
  /** Batched lookups of what to send. */
  targets: TargetLoader;
  /** Batched (group-committed) attempt records. */
  attempts: AttemptWriter;
  providerSettings: ProviderSettings;
  http: OutboundHttp;
  secrets: SecretBox;
  configs: ConfigCache;
  schedule: RetrySchedule;
  metrics: WorkerMetrics;
  logger: Logger;
}

export type DeliveryResult = 'succeeded' | 'skipped';

/**
 * Delivery job → render, send, record. Expected outcomes come back from the
 * provider as values; this turns them into what BullMQ understands: return on
 * success, `DeliveryRetryError` (with the provider's wait) for another attempt,
 * `UnrecoverableError` when no attempt may follow.
 */
export function createDeliveryProcessor(deps: DeliveryDeps) {
  return async function deliver(job: Job<DeliveryJob>): Promise<DeliveryResult> {
    const { deliveryId } = job.data;
    // Jobs queued before generations existed carry none: they belong to the first.
    const generation = job.data.generation ?? 1;
    const deliveryUuid = parseId('delivery', deliveryId);
    if (!deliveryUuid) throw new UnrecoverableError(`malformed delivery id ${deliveryId}`);

    const target = await deps.targets.load(deliveryUuid);
    // Gone with its channel, already settled (a duplicate job after a crash), or
    // redelivered since this job was queued (the newer generation's job sends).
    if (target?.status !== 'pending' || target.generation !== generation) return 'skipped';
    if (!target.enabled) {
      await failWithoutAttempt(deps.db, deliveryUuid, generation, 'the channel is disabled');
      return 'skipped';
    }
    const providerName = target.provider;
    if (!isProviderName(providerName)) {
      await failWithoutAttempt(deps.db, deliveryUuid, generation, `unknown provider ${providerName}`);
      return 'skipped';
    }

    let config: Record<string, string> | null = null;
    try {
      config = deps.configs.open(target.channelUuid, target.channelUpdatedAt, target.config);
    } catch (err) {
      deps.logger.error({ err, deliveryId }, 'stored channel config does not open');
    }
    const started = performance.now();
    const outcome: SendOutcome = storableOutcome(
      config
        ? await sendEvent(
            providerName,
            { deliveryId, event: target.payload as unknown as EventPayload, config },
            { settings: deps.providerSettings, http: deps.http },
          )
        : // Our keys do not open the stored config: an operator problem, not the destination's.
          { kind: 'permanent', statusCode: null, reason: 'the stored config could not be decrypted', cause: 'other' },
    );
    const latencyMs = Math.round(performance.now() - started);

    const final = outcome.kind === 'permanent' || (outcome.kind === 'retry' && isLastAttempt(job, deps.schedule));
    const sealedConfigUpdate =
      outcome.kind === 'ok' && outcome.configUpdate ? sealConfig(deps.secrets, outcome.configUpdate) : undefined;
    const recorded = await deps.attempts.record({
      deliveryUuid,
      generation,
      channelUuid: target.channelUuid,
      outcome,
      final,
      latencyMs,
      sealedConfigUpdate,
    });
    // A redelivery started while this attempt ran: its own job carries on, this one stops.
    if (recorded.kind === 'stale') return 'skipped';

    reportAttempt(deps, {
      provider: providerName,
      channelId: formatId('channel', target.channelUuid),
      deliveryId,
      outcome,
      final,
      latencyMs,
      recorded,
    });

    if (outcome.kind === 'ok') return 'succeeded';
    if (final) throw new UnrecoverableError(outcome.reason);
    throw new DeliveryRetryError(outcome.reason, outcome.kind === 'retry' ? outcome.retryAfterMs : undefined);
  };
}
