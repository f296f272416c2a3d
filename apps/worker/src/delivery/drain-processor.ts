import { type SecretBox, sealConfig } from '@wrenn/crypto';
import type { Database } from '@wrenn/db';
import { type EventPayload, formatId, MAX_RETRY_AFTER_MS, parseId } from '@wrenn/events';
import {
  type Destination,
  destinationOf,
  isProviderName,
  type OutboundHttp,
  type PacingRule,
  type ProviderName,
  type ProviderSettings,
  type SendInput,
  type SendOutcome,
  sendEvents,
} from '@wrenn/providers';
import type { DeliveryJob } from '@wrenn/queues';
import type { Logger } from '@wrenn/runtime';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Kysely } from 'kysely';
import { createMicroBatcher } from '../batch/micro-batcher';
import { isLastAttempt, type RetrySchedule } from '../retry-schedule';
import type { WorkerMetrics } from '../worker-metrics';
import type { ConfigCache } from './config-cache';
import { type DrainChannel, loadDrainChannels } from './drain-channel';
import {
  type ClaimedDelivery,
  type ClaimOptions,
  claimDeliveries,
  failOverdue,
  failPending,
  nextReadyIn,
  releaseDeliveries,
} from './mailbox';
import type { RateLimiter, Slots } from './rate-limiter';
import type { AttemptInput, AttemptWriter } from './record-attempt';
import { reportAttempt } from './report-attempt';
import { storableOutcome } from './storable-outcome';

export interface DrainDeps {
  db: Kysely<Database>;
  /** Batched (group-committed) attempt records. */
  attempts: AttemptWriter;
  limiter: RateLimiter;
  providerSettings: ProviderSettings;
  http: OutboundHttp;
  secrets: SecretBox;
  configs: ConfigCache;
  schedule: RetrySchedule;
  metrics: WorkerMetrics;
  logger: Logger;
  /** `WRENN_MAX_RATE_LIMIT_WAIT` in milliseconds. */
  maxRateLimitWaitMs: number;
  /** How long claimed rows stay taken (see `claimDeliveries`). */
  claimLeaseMs: number;
  /** Replaces the providers' published rates (tests). */
  pacingRules?: Readonly<Record<ProviderName, PacingRule>> | undefined;
  /** Rows a chat drain offers the provider per request; default 50. */
  chatBatch?: number;
  /** True once the worker is shutting down: a drain hands its channel back after the request in flight. */
  stopping(): boolean;
}

/**
 * `drained`: the drain took every row that could go when it last looked (a
 * claim short of its limit). Rows that arrive later, or wait on a retry, are
 * picked up by the look that follows every finished drain (see the worker
 * runtime), since their own drain job could not be added while this one ran.
 */
export type DrainResult = 'drained' | 'gone';

/** Waits for the rate up to this long are waited inside the drain, longer ones as a delayed job. */
const INLINE_WAIT_MS = 2_500;

/** A header-less 429 with no schedule to read a delay from still pauses for this long. */
const MIN_RATE_LIMIT_PAUSE_MS = 500;

/**
 * Drain job → send the channel's ready deliveries under its destination's
 * rate, recording each attempt before going on, until the mailbox is empty.
 * Chat channels: in ingest order, each request carrying as many leading rows
 * as the provider fits in one message; a row still retrying holds back the
 * rows behind it. Webhooks: one event per request, a few in flight, around rows
 * that wait. Waiting (a retry delay, the rate, a 429's pause) moves the job to
 * delayed without using a BullMQ attempt; retries are row state.
 */
export function createDrainProcessor(deps: DrainDeps) {
  const chatBatch = deps.chatBatch ?? 50;
  // Concurrent drains read their channels and claim their rows together: one
  // statement each for every drain at that step, not one per drain.
  const channels = createMicroBatcher<string, DrainChannel | undefined>({
    maxBatch: 128,
    maxInFlight: 2,
    run: (ids) => loadDrainChannels(deps.db, ids),
  });
  const claims = createMicroBatcher<ClaimOptions, ClaimedDelivery[]>({
    maxBatch: 64,
    maxInFlight: 2,
    // A stalled duplicate drain of the same channel claims in a statement of its own.
    keyOf: (claim) => claim.channelUuid,
    run: (batch) => claimDeliveries(deps.db, batch),
  });

  /** Puts the job back until `waitMs` from now; never returns. */
  async function waitThen(job: Job<DeliveryJob>, token: string | undefined, waitMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + Math.max(0, Math.ceil(waitMs)), token);
    throw new DelayedError();
  }

  /** Schedule delay before the next attempt of a row that has used `failures` attempts. */
  function scheduledDelay(failures: number): number {
    const { delays } = deps.schedule;
    return delays[Math.min(failures, delays.length - 1)] ?? 0;
  }

  async function record(
    channel: DrainChannel,
    provider: ProviderName,
    destination: Destination,
    rows: readonly ClaimedDelivery[],
    outcome: SendOutcome,
    latencyMs: number,
  ): Promise<void> {
    const now = Date.now();
    const rateLimited = outcome.kind === 'retry' && outcome.statusCode === 429;
    const sealedConfigUpdate =
      outcome.kind === 'ok' && outcome.configUpdate ? sealConfig(deps.secrets, outcome.configUpdate) : undefined;
    const inputs = rows.map((row, i): AttemptInput => {
      // A 429 uses no attempt of the schedule: the destination is paused instead.
      const scheduled = outcome.kind === 'retry' && !rateLimited;
      const final = outcome.kind === 'permanent' || (scheduled && isLastAttempt(deps.schedule, row.failures));
      let readyAt: Date | null = null;
      if (scheduled && !final) {
        const asked = outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
        const delay = Math.max(scheduledDelay(row.failures), Math.min(asked ?? 0, MAX_RETRY_AFTER_MS));
        readyAt = new Date(now + delay);
      }
      return {
        deliveryUuid: row.id,
        generation: row.generation,
        channelUuid: channel.id,
        outcome,
        final,
        scheduled,
        readyAt,
        latencyMs,
        sealedConfigUpdate: i === 0 ? sealedConfigUpdate : undefined,
      };
    });
    // The pause first: every other request to the destination must stop as soon as possible.
    if (rateLimited) {
      const asked = outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
      const least = Math.min(...rows.map((r) => r.failures));
      const pauseMs = Math.max(
        MIN_RATE_LIMIT_PAUSE_MS,
        scheduledDelay(least),
        Math.min(asked ?? 0, MAX_RETRY_AFTER_MS),
      );
      await deps.limiter.pause(destination, pauseMs);
      deps.metrics.rateLimited.inc({ provider });
      deps.logger.info({ channel: formatId('channel', channel.id), provider, pauseMs }, 'destination paused by a 429');
    }
    // Issued together, the records of one request share one statement.
    const results = await Promise.all(inputs.map((input) => deps.attempts.record(input)));
    results.forEach((recorded, i) => {
      const input = inputs[i] as AttemptInput;
      // A redelivery started while this request ran: its own send carries on.
      if (recorded.kind === 'stale') return;
      reportAttempt(deps, {
        provider,
        channelId: formatId('channel', channel.id),
        deliveryId: formatId('delivery', input.deliveryUuid),
        outcome,
        final: input.final,
        latencyMs,
        recorded,
      });
    });
    if (outcome.kind !== 'permanent' && outcome.rateHint) await deps.limiter.learn(destination, outcome.rateHint);
  }

  async function send(
    provider: ProviderName,
    rows: readonly ClaimedDelivery[],
    config: Record<string, string> | null,
  ): Promise<{ outcome: SendOutcome; carried: number; latencyMs: number }> {
    const started = performance.now();
    if (!config) {
      // Our keys do not open the stored config: an operator problem, not the destination's.
      const outcome: SendOutcome = {
        kind: 'permanent',
        statusCode: null,
        reason: 'the stored config could not be decrypted',
        cause: 'other',
      };
      return { outcome, carried: rows.length, latencyMs: 0 };
    }
    const inputs: SendInput[] = rows.map((row) => ({
      deliveryId: formatId('delivery', row.id),
      event: row.payload as unknown as EventPayload,
      config,
    }));
    const sent = await sendEvents(provider, inputs, { settings: deps.providerSettings, http: deps.http });
    return {
      outcome: storableOutcome(sent.outcome),
      carried: sent.carried,
      latencyMs: Math.round(performance.now() - started),
    };
  }

  async function channelOf(data: DeliveryJob): Promise<string | null> {
    if ('channelId' in data) return parseId('channel', data.channelId);
    // A per-delivery job of an earlier release: drain that delivery's channel.
    const uuid = parseId('delivery', data.deliveryId);
    if (!uuid) return null;
    const row = await deps.db.selectFrom('deliveries').select('channel_id').where('id', '=', uuid).executeTakeFirst();
    return row?.channel_id ?? null;
  }

  return async function drain(job: Job<DeliveryJob>, token?: string): Promise<DrainResult> {
    const channelUuid = await channelOf(job.data);
    if (!channelUuid) {
      if ('channelId' in job.data) throw new UnrecoverableError(`malformed channel id ${job.data.channelId}`);
      return 'gone';
    }
    const channelId = formatId('channel', channelUuid);
    // Until when no row of the channel can pass its rate-limit deadline (0: not looked yet).
    let overdueCheckedUntil = 0;
    for (;;) {
      // Shutting down: the channel goes back to the queue for another worker.
      if (deps.stopping()) await waitThen(job, token, 0);
      const channel = await channels.add(channelUuid);
      // Deleted: its deliveries went with it.
      if (!channel) return 'gone';
      if (!channel.enabled) {
        await failPending(deps.db, channelUuid, 'the channel is disabled');
        return 'drained';
      }
      const provider = channel.provider;
      if (!isProviderName(provider)) {
        await failPending(deps.db, channelUuid, `unknown provider ${provider}`);
        return 'drained';
      }
      let config: Record<string, string> | null = null;
      try {
        config = deps.configs.open(channel.id, channel.updated_at, channel.config);
      } catch (err) {
        deps.logger.error({ err, channel: channelId }, 'stored channel config does not open');
      }
      const destination = destinationOf(provider, config ?? {}, deps.pacingRules);
      const ordered = provider !== 'webhook';
      const limit = ordered ? chatBatch : destination.rule.inFlight;
      const rows = await claims.add({ channelUuid, ordered, limit, leaseMs: deps.claimLeaseMs });
      if (rows.length === 0) {
        const wait = await nextReadyIn(deps.db, channelUuid, ordered);
        if (wait === null) return 'drained';
        // A row being recorded right now shows up on the next look; never spin.
        await waitThen(job, token, Math.max(wait, 20));
      }

      /**
       * Takes slots for up to `count` requests. A short wait for the first is
       * waited here, holding the claimed rows (cheaper than handing the job
       * back and claiming again); no slot comes back with the wait left when it
       * is long, when shutting down, or when a row's rate-limit deadline comes
       * first (the caller then lets it fail).
       */
      const slots = async (count: number): Promise<Slots> => {
        if (!config) return { taken: count, waitMs: 0 };
        let got = await deps.limiter.take(destination, count);
        while (got.taken === 0 && got.waitMs <= INLINE_WAIT_MS && !deps.stopping()) {
          if (Date.now() >= overdueCheckedUntil) {
            if (overdueCheckedUntil !== 0) return got;
            const next = await checkOverdue(channelUuid, provider);
            overdueCheckedUntil = Date.now() + Math.min(next, deps.maxRateLimitWaitMs);
            if (next < got.waitMs) return got;
          }
          await new Promise((resolve) => setTimeout(resolve, got.waitMs));
          got = await deps.limiter.take(destination, count);
        }
        return got;
      };

      const granted = await slots(ordered ? 1 : rows.length);
      if (granted.taken === 0) {
        await releaseDeliveries(
          deps.db,
          rows.map((r) => r.id),
        );
        await waitThen(job, token, await rateWait(channelUuid, provider, granted.waitMs));
      }

      if (ordered) {
        const sent = await send(provider, rows, config);
        const carried = rows.slice(0, sent.carried);
        await record(channel, provider, destination, carried, sent.outcome, sent.latencyMs);
        await releaseDeliveries(
          deps.db,
          rows.slice(sent.carried).map((r) => r.id),
        );
        if (rows.length < limit && sent.carried === rows.length) return 'drained';
        continue;
      }

      // Webhooks: one event per request, `inFlight` at a time through the rows given a slot.
      const queue = rows.slice(0, granted.taken);
      const unsent = rows.slice(granted.taken).map((r) => r.id);
      let refused = false;
      const lane = async () => {
        for (let row = queue.shift(); row; row = queue.shift()) {
          // Once the destination says wait, the rest goes back untouched.
          if (refused) {
            unsent.push(row.id);
            continue;
          }
          const sent = await send(provider, [row], config);
          if (sent.outcome.kind === 'retry' && sent.outcome.statusCode === 429) refused = true;
          await record(channel, provider, destination, [row], sent.outcome, sent.latencyMs);
        }
      };
      await Promise.all(Array.from({ length: Math.min(destination.rule.inFlight, queue.length) }, lane));
      await releaseDeliveries(deps.db, unsent);
      // The next pass waits out the pause a refusal set, or sends what had no slot.
      if (rows.length < limit && unsent.length === 0) return 'drained';
    }
  };

  /**
   * The destination's rate holds the channel back for `waitMs`: rows that have
   * waited `WRENN_MAX_RATE_LIMIT_WAIT` fail, and the drain wakes no later than
   * the next row's deadline.
   */
  async function rateWait(channelUuid: string, provider: string, waitMs: number): Promise<number> {
    return Math.min(waitMs, (await checkOverdue(channelUuid, provider)) + 1);
  }

  /** Fails the rows past their rate-limit deadline; milliseconds until the next one's (Infinity: none ready). */
  async function checkOverdue(channelUuid: string, provider: string): Promise<number> {
    const { failed, nextInMs } = await failOverdue(deps.db, channelUuid, deps.maxRateLimitWaitMs);
    if (failed.length > 0) {
      deps.metrics.rateLimitGaveUp.inc({ provider }, failed.length);
      deps.logger.warn(
        { channel: formatId('channel', channelUuid), deliveries: failed.length },
        'deliveries failed after waiting too long on the rate limit',
      );
    }
    return nextInMs ?? Number.POSITIVE_INFINITY;
  }
}
