import { type SecretBox, sealConfig } from '@wrenn/crypto';
import type { Database } from '@wrenn/db';
import {
  type ChannelId,
  type EventPayload,
  formatId,
  linkResource,
  MAX_RETRY_AFTER_MS,
  parseId,
  type Uuid,
} from '@wrenn/events';
import {
  type Destination,
  destinationOf,
  isProviderName,
  type OutboundHttp,
  type PacingRule,
  type ProviderName,
  type ProviderSettings,
  providersWithStyle,
  type SendOutcome,
  sendBoard,
  sendEvents,
} from '@wrenn/providers';
import type { DrainJob } from '@wrenn/queues';
import type { Logger } from '@wrenn/runtime';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Kysely } from 'kysely';
import { createMicroBatcher } from '../batch/micro-batcher';
import { decideAttempt, type RetrySchedule, scheduledDelay } from '../retry-schedule';
import { withAttemptSpan } from '../tracing/attempt-span';
import type { WorkerMetrics } from '../worker-metrics';
import type { AttemptInput, AttemptWriter } from './attempt-writer';
import type { ConfigCache } from './config-cache';
import { type DrainChannel, loadDrainChannels } from './drain-channel';
import type { Lane, LaneSignal, Lanes, LaneTicket } from './lanes';
import {
  type ClaimedDelivery,
  type ClaimOptions,
  claimDeliveries,
  failOverdue,
  failPending,
  releaseDeliveries,
} from './mailbox';
import type { RateLimiter, Slots } from './rate-limiter';
import { reportAttempt } from './report-attempt';
import { planBoard } from './resource-board';
import { loadResourceMessages, saveResourceMessages } from './resource-messages';
import { storableOutcome } from './storable-outcome';

export interface DrainDeps {
  db: Kysely<Database>;
  /** Batched (group-committed) attempt records. */
  attempts: AttemptWriter;
  limiter: RateLimiter;
  /** This process's lanes: requests in flight per destination. */
  lanes: Lanes;
  providerSettings: ProviderSettings;
  http: OutboundHttp;
  secrets: SecretBox;
  configs: ConfigCache;
  schedule: RetrySchedule;
  metrics: WorkerMetrics;
  logger: Logger;
  /** `WRENN_MAX_RATE_LIMIT_WAIT` in milliseconds. */
  maxRateLimitWaitMs: number;
  /** `WRENN_EDIT_WINDOW` in milliseconds: a resource message older than this gets a new message, not an edit. */
  editWindowMs: number;
  /** How long claimed rows stay taken (see `claimDeliveries`). */
  claimLeaseMs: number;
  /** Replaces the providers' published rates (tests). */
  pacingRules?: Readonly<Record<ProviderName, PacingRule>> | undefined;
  /** Rows a chat drain offers the provider per request; default 50. */
  chatBatch?: number;
  /** True once the worker is shutting down: drains hand their channel back once their requests are answered. */
  stopping(): boolean;
  /** Makes sure the channel has a drain job, ready in `delayMs`. */
  ensureDrain(channelId: ChannelId, delayMs: number): Promise<void>;
  /** The look after a drain that ended without its job: a new drain for anything that arrived meanwhile. */
  lookAfter(channelUuid: Uuid): Promise<void>;
}

/**
 * How a drain job ended:
 * - `drained`: its channel's mailbox had nothing ready when it last looked; the
 *   worker then looks once more, now that the job id is free (rows may have
 *   landed while the drain ran, and their own drain job could not be added).
 * - `parked`: its destination is slow to answer, so the drain went on without
 *   holding a job slot; it looks again itself when it ends.
 * - `joined`: the channel's drain was already running in this process and was
 *   told to look at its mailbox again.
 * - `gone`: the channel was deleted.
 */
export type DrainResult = 'drained' | 'parked' | 'joined' | 'gone';

/** Providers that can keep one message per resource; other channels send each event even if asked otherwise. */
const BOARD_PROVIDERS: ReadonlySet<string> = new Set(providersWithStyle('resource'));

/** Waits for the rate up to this long are waited inside the drain, longer ones as a delayed job. */
const INLINE_WAIT_MS = 2_500;

/** A header-less 429 with no schedule to read a delay from still pauses for this long. */
const MIN_RATE_LIMIT_PAUSE_MS = 500;

/** A drain that sent rows more than once lingers this long after its mailbox ran empty: a stream keeps its drain. */
const LINGER_MS = 1_000;

/**
 * While lingering, the mailbox is looked at this often. A row fanned out in
 * this process wakes the drain at once; this bounds the wait for rows fanned
 * out by another worker.
 */
const LINGER_LOOK_MS = 50;

/** The channel's settings are read again after this long, so a drain that lingers sees a changed config. */
const CHANNEL_FRESH_MS = 1_000;

/** How long a drain waits for its requests before it parks, when its destination's speed is not known yet. */
const UNKNOWN_PATIENCE_MS = 50;

/** A destination answering slower than this on average is slow: its drain parks as soon as it waits. */
const SLOW_DESTINATION_MS = 250;

/** Why a drain stopped, and what comes next for its channel. */
type DrainEnd =
  | { kind: 'drained' }
  | { kind: 'gone' }
  /** The destination's rate, a 429's pause or an open breaker holds it back this long. */
  | { kind: 'wait'; ms: number }
  /** The worker is shutting down: another worker takes the channel. */
  | { kind: 'hand-back' };

/** A wait that `notify`, or an answer in the lane it is given, ends early. */
interface Signal {
  /** Resolves after `ms`, or sooner (true) on `notify` or when a request of `lane` finishes. */
  wait(ms: number, lane?: Lane): Promise<boolean>;
  notify(): void;
}

function createSignal(): Signal {
  const waiters = new Set<() => void>();
  return {
    wait(ms, lane) {
      return new Promise((resolve) => {
        const done = (woken: boolean) => {
          clearTimeout(timer);
          waiters.delete(wake);
          unsubscribe();
          resolve(woken);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), ms);
        waiters.add(wake);
        const unsubscribe = lane ? lane.onSettle(wake) : () => {};
      });
    },
    notify() {
      for (const wake of [...waiters]) wake();
    },
  };
}

/**
 * The work on one channel in this process. It starts with a drain job, and
 * keeps that job while it is busy on a destination that answers quickly; when
 * it would only wait on a slow one, it parks: the job completes, and the drain
 * goes on without it, woken by its requests' answers. A drain ends only once
 * its own requests have been answered and recorded.
 */
interface Drain {
  channelUuid: Uuid;
  /** The mailbox may hold new rows (a fan-out, a redelivery, another drain job). */
  woken: boolean;
  /** Requests this drain has in flight. */
  inFlight: number;
  /** A send or record that threw (the database went away): the drain stops with it. */
  failure: unknown;
  /** The destination said 429, or gave no answer: rows claimed ahead go back and wait for the limiter. */
  heldBack: boolean;
  /** Claimed rows with their slots taken, waiting for room in the lane (webhooks keep a window's worth ahead). */
  ahead: ClaimedDelivery[];
  signal: Signal;
  /** The job the drain started from, until it parks. */
  job: { resolve(): void } | null;
}

/** What a drain knows of its channel, read at most every `CHANNEL_FRESH_MS`. */
interface ChannelState {
  channel: DrainChannel;
  provider: ProviderName;
  config: Record<string, string> | null;
  destination: Destination;
  lane: Lane;
  /** Chat: the leading rows in order, one request at a time. Webhooks: any ready row, as many as the window allows. */
  ordered: boolean;
  /** Resource style: each request posts or edits a board (see `sendBoardOf`). */
  boards: boolean;
  readAt: number;
}

export interface DrainProcessor {
  /** The BullMQ processor of drain jobs. */
  process(job: Job<DrainJob>, token?: string): Promise<DrainResult>;
  /** Rows landed for these channels: their drains in this process look again now. Returns the channels woken. */
  wake(channelUuids: readonly Uuid[]): Uuid[];
  /** Resolves once every drain of this process has ended (after `stopping()` turned true). */
  idle(): Promise<void>;
}

/**
 * Drain job → send the channel's ready deliveries under its destination's
 * rate, recording each attempt, until the mailbox is empty. Chat channels: in
 * ingest order, each request carrying as many leading rows as the provider
 * fits in one message, one request at a time; a row still retrying holds back
 * the rows behind it. Webhooks: one event per request, as many in flight as
 * the destination's window allows, around rows that wait; the next rows are
 * claimed as soon as the window has room, not after a whole batch. Waiting on
 * a slow destination holds no job slot (the drain parks); waiting on the rate
 * for long moves the job to delayed. Retries are row state.
 */
export function createDrainProcessor(deps: DrainDeps): DrainProcessor {
  const chatBatch = deps.chatBatch ?? 50;
  const drains = new Map<Uuid, Drain>();
  /** What parked drains that ended are queuing for their channels (a shutdown waits for it). */
  const queuing = new Set<Promise<void>>();
  /** Destinations that went unanswered, or were probed, since their breaker last closed (this process's view). */
  const suspect = new Set<string>();

  // Concurrent drains read their channels and claim their rows together: one
  // statement each for every drain at that step, not one per drain.
  const channels = createMicroBatcher<Uuid, DrainChannel | undefined>({
    maxBatch: 128,
    maxInFlight: 2,
    run: (ids) => loadDrainChannels(deps.db, ids),
  });
  const claims = createMicroBatcher<ClaimOptions, ClaimedDelivery[]>({
    maxBatch: 64,
    maxInFlight: 2,
    // Two claims of one channel (a drain elsewhere) never share a statement.
    keyOf: (claim) => claim.channelUuid,
    run: (batch) => claimDeliveries(deps.db, batch),
  });

  async function record(
    drain: Drain,
    state: ChannelState,
    rows: readonly ClaimedDelivery[],
    outcome: SendOutcome,
    latencyMs: number,
  ): Promise<void> {
    const { channel, provider, destination } = state;
    const now = Date.now();
    const sealedConfigUpdate =
      outcome.kind === 'ok' && outcome.configUpdate ? sealConfig(deps.secrets, outcome.configUpdate) : undefined;
    const inputs = rows.map((row, i): AttemptInput => {
      const decision = decideAttempt(deps.schedule, row.failures, outcome);
      return {
        deliveryUuid: row.id,
        generation: row.generation,
        channelUuid: channel.id,
        outcome,
        decision,
        readyAt: decision.retryInMs === null ? null : new Date(now + decision.retryInMs),
        latencyMs,
        sealedConfigUpdate: i === 0 ? sealedConfigUpdate : undefined,
      };
    });
    // The pause first: every other request to the destination must stop as soon as possible.
    if (outcome.kind === 'retry' && outcome.statusCode === 429) {
      const asked = outcome.retryAfterMs ?? 0;
      // The destination said how long: that is its pause. Without a usable wait, the schedule's.
      const pauseMs =
        asked > 0
          ? Math.max(MIN_RATE_LIMIT_PAUSE_MS, asked)
          : Math.max(MIN_RATE_LIMIT_PAUSE_MS, scheduledDelay(deps.schedule, Math.min(...rows.map((r) => r.failures))));
      // What the destination accepted is what it was sent less the slots still out or held ahead.
      const unanswered = state.lane.inFlight() + drain.ahead.length;
      await deps.limiter.pause(destination, Math.min(pauseMs, MAX_RETRY_AFTER_MS), unanswered);
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
        final: input.decision.final,
        latencyMs,
        recorded,
      });
    });
    if (outcome.kind !== 'permanent' && outcome.rateHint) await deps.limiter.learn(destination, outcome.rateHint);
  }

  async function send(
    state: ChannelState,
    rows: readonly ClaimedDelivery[],
  ): Promise<{ outcome: SendOutcome; carried: number; latencyMs: number }> {
    const started = performance.now();
    if (!state.config) {
      // Our keys do not open the stored config: an operator problem, not the destination's.
      const outcome: SendOutcome = {
        kind: 'permanent',
        statusCode: null,
        reason: 'the stored config could not be decrypted',
        cause: 'other',
      };
      return { outcome, carried: rows.length, latencyMs: 0 };
    }
    const config = state.config;
    return withAttemptSpan(
      {
        channelId: formatId('channel', state.channel.id),
        provider: state.provider,
        deliveries: rows.map((row) => ({ deliveryId: formatId('delivery', row.id), traceparent: row.traceparent })),
      },
      async (traceparent) => {
        const sent = state.boards
          ? await sendBoardOf(state, rows, config, traceparent)
          : await sendEvents(
              state.provider,
              {
                config,
                ...(traceparent ? { traceparent } : {}),
                items: rows.map((row) => ({
                  deliveryId: formatId('delivery', row.id),
                  event: linkResource(row.payload as unknown as EventPayload, deps.providerSettings.linkTemplates),
                })),
              },
              { settings: deps.providerSettings, http: deps.http },
            );
        return {
          outcome: storableOutcome(sent.outcome),
          carried: sent.carried,
          latencyMs: Math.round(performance.now() - started),
        };
      },
    );
  }

  /**
   * Resource style: the leading rows go out as one board, a new message or
   * an edit of the one their resources already have (see `planBoard`). Once
   * the provider accepts it, the message's reference and the events it shows
   * are stored before the attempt is recorded.
   */
  async function sendBoardOf(
    state: ChannelState,
    rows: readonly ClaimedDelivery[],
    config: Record<string, string>,
    traceparent: string | null,
  ): Promise<{ outcome: SendOutcome; carried: number }> {
    const events = rows.map((row) => row.payload as unknown as EventPayload);
    const { stored, newest } = await loadResourceMessages(
      deps.db,
      state.channel.id,
      events.map((e) => e.resource),
    );
    // Rows ingested before the newest message was posted were waiting with it: the same burst.
    const waiting = newest ? rows.findIndex((row) => row.ingestedAt > newest.postedAt) : 0;
    const burst = newest && { key: newest.key, events: waiting < 0 ? rows.length : waiting };
    const plan = planBoard(events, stored, { now: Date.now(), editWindowMs: deps.editWindowMs, burst });
    const links = deps.providerSettings.linkTemplates;
    const outcome = await sendBoard(
      state.provider,
      {
        deliveryId: formatId('delivery', (rows[0] as ClaimedDelivery).id),
        config,
        previous: plan.previous,
        resources: plan.resources.map((r) => ({ ...r, events: r.events.map((e) => linkResource(e, links)) })),
        ...(traceparent ? { traceparent } : {}),
      },
      { settings: deps.providerSettings, http: deps.http },
    );
    if (outcome.kind === 'ok') await saveResourceMessages(deps.db, state.channel.id, plan, stored, outcome.message);
    return { outcome, carried: plan.carried };
  }

  /** What a request's outcome says about its destination's strain. */
  function signalOf(outcome: SendOutcome, latencyMs: number): LaneSignal {
    if (outcome.kind !== 'retry') return { kind: 'answered', latencyMs };
    const strained = outcome.unanswered === true || outcome.statusCode === 429 || (outcome.statusCode ?? 0) >= 500;
    return strained ? { kind: 'strained' } : { kind: 'answered', latencyMs };
  }

  /** Keeps the destination's breaker informed: unanswered requests open it, any answer after them closes it. */
  async function informBreaker(state: ChannelState, outcome: SendOutcome, probe: boolean): Promise<void> {
    const { key } = state.destination;
    if (outcome.kind === 'retry' && outcome.unanswered) {
      suspect.add(key);
      const openMs = await deps.limiter.unanswered(state.destination);
      if (openMs > 0) {
        deps.logger.warn(
          { channel: formatId('channel', state.channel.id), provider: state.provider, openMs },
          'destination does not answer; its breaker is open',
        );
      }
      return;
    }
    if (probe || suspect.has(key)) {
      suspect.delete(key);
      await deps.limiter.answered(state.destination);
    }
  }

  /**
   * Sends claimed rows that have their slots, without waiting for the
   * answers: each answer is recorded as it comes, frees its place in the lane
   * and wakes the drain.
   */
  function dispatch(drain: Drain, state: ChannelState, rows: readonly ClaimedDelivery[], probe: boolean): void {
    const requests = state.ordered ? [rows] : rows.map((row) => [row]);
    for (const carried of requests) {
      const ticket: LaneTicket = state.lane.start();
      let laneSignal: LaneSignal | null = { kind: 'strained' };
      const leaveLane = () => {
        if (laneSignal) state.lane.finish(ticket, laneSignal);
        laneSignal = null;
      };
      drain.inFlight += 1;
      (async () => {
        try {
          const sent = await send(state, carried);
          laneSignal = signalOf(sent.outcome, sent.latencyMs);
          const refused = sent.outcome.kind === 'retry' && sent.outcome.statusCode === 429;
          if (refused || (sent.outcome.kind === 'retry' && sent.outcome.unanswered)) drain.heldBack = true;
          // A webhook's answer frees its place at once; a chat request's place waits for its record
          // (what follows must see which rows it carried), and a 429's for the pause it sets.
          if (!state.ordered && !refused) leaveLane();
          await record(drain, state, carried.slice(0, sent.carried), sent.outcome, sent.latencyMs);
          // What did not fit in the message goes back for the next request.
          const left = carried.slice(sent.carried);
          if (left.length > 0) {
            await releaseDeliveries(
              deps.db,
              left.map((r) => r.id),
            );
            drain.woken = true;
          }
          await informBreaker(state, sent.outcome, probe).catch((err: unknown) =>
            deps.logger.debug({ err }, 'breaker state not updated'),
          );
        } catch (err) {
          drain.failure ??= err;
        } finally {
          leaveLane();
          drain.inFlight -= 1;
          drain.signal.notify();
        }
      })();
    }
  }

  /** Takes slots for up to `count` requests, waiting out a short wait for the first (rows are held meanwhile). */
  async function slots(drain: Drain, state: ChannelState, count: number): Promise<Slots> {
    if (!state.config) return { taken: count, waitMs: 0, probe: false };
    let got = await deps.limiter.take(state.destination, count);
    let overdueChecked = false;
    while (got.taken === 0 && got.waitMs <= INLINE_WAIT_MS && !deps.stopping()) {
      // A row must not outlive its rate-limit deadline while it is held here.
      if (!overdueChecked) {
        overdueChecked = true;
        if ((await checkOverdue(state.channel.id, state.provider)) < got.waitMs) return got;
      }
      await pause(drain, got.waitMs);
      got = await deps.limiter.take(state.destination, count);
    }
    return got;
  }

  /** Waits `ms` for the rate; a wait longer than a moment parks the drain first. */
  async function pause(drain: Drain, ms: number): Promise<void> {
    if (ms > UNKNOWN_PATIENCE_MS) park(drain);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** The drain goes on without its job: the job completes and its slot is free for other channels. */
  function park(drain: Drain): void {
    const job = drain.job;
    if (!job) return;
    drain.job = null;
    job.resolve();
  }

  /** How long to wait for an answer before parking: none for a slow destination, a little for an unknown one. */
  function patience(lane: Lane): number {
    const latency = lane.latencyMs();
    if (latency === null) return UNKNOWN_PATIENCE_MS;
    if (latency > SLOW_DESTINATION_MS) return 0;
    return Math.min(SLOW_DESTINATION_MS, 2 * latency + 20);
  }

  async function readChannel(drain: Drain): Promise<ChannelState | DrainEnd> {
    const channel = await channels.add(drain.channelUuid);
    // Deleted: its deliveries went with it.
    if (!channel) return { kind: 'gone' };
    const channelId = formatId('channel', channel.id);
    if (!channel.enabled) {
      await failPending(deps.db, channel.id, 'the channel is disabled');
      return { kind: 'drained' };
    }
    const provider = channel.provider;
    if (!isProviderName(provider)) {
      await failPending(deps.db, channel.id, `unknown provider ${provider}`);
      return { kind: 'drained' };
    }
    let config: Record<string, string> | null = null;
    try {
      config = deps.configs.open(channel.id, channel.config_version, channel.config);
    } catch (err) {
      deps.logger.error({ err, channel: channelId }, 'stored channel config does not open');
    }
    const destination = destinationOf(provider, config ?? {}, deps.pacingRules);
    const ordered = provider !== 'webhook';
    const lane = deps.lanes.laneFor(destination.key, !ordered);
    const boards = channel.message_style === 'resource' && BOARD_PROVIDERS.has(provider);
    return { channel, provider, config, destination, lane, ordered, boards, readAt: Date.now() };
  }

  /** Waits until the drain's own requests are answered (a drain never ends before). */
  async function settle(drain: Drain): Promise<void> {
    while (drain.inFlight > 0) await drain.signal.wait(1_000);
    if (drain.failure) throw drain.failure;
  }

  async function run(drain: Drain): Promise<DrainEnd> {
    let state: ChannelState | null = null;
    let probe = false;
    /** The last claim came back short: nothing more was ready. */
    let empty = false;
    let claimsWithRows = 0;
    let lastRowsAt = 0;
    /** Until when the destination's rate, pause or breaker holds the rest back (0: not held). */
    let heldUntil = 0;
    /** Gives back the rows claimed ahead, and settles the drain's own requests: a drain ends only after both. */
    const end = async (result: DrainEnd): Promise<DrainEnd> => {
      const unsent = drain.ahead;
      drain.ahead = [];
      await releaseDeliveries(
        deps.db,
        unsent.map((r) => r.id),
      );
      await settle(drain);
      return result;
    };
    for (;;) {
      if (drain.failure) throw drain.failure;
      if (deps.stopping()) return end({ kind: 'hand-back' });
      if (!state || Date.now() - state.readAt > CHANNEL_FRESH_MS) {
        const read = await readChannel(drain);
        if ('kind' in read) return end(read);
        state = read;
      }
      if (drain.woken) {
        drain.woken = false;
        empty = false;
      }
      // Once the destination said 429 or did not answer, what was claimed ahead goes back untouched:
      // it waits for the pause or the breaker.
      if (drain.heldBack) {
        drain.heldBack = false;
        const unsent = drain.ahead;
        drain.ahead = [];
        await releaseDeliveries(
          deps.db,
          unsent.map((r) => r.id),
        );
        empty = false;
      }
      const { lane } = state;

      // Send what the window has room for: chat rows as one request, webhook rows one each.
      if (drain.ahead.length > 0 && lane.room() > 0) {
        const going = state.ordered ? drain.ahead : drain.ahead.slice(0, lane.room());
        drain.ahead = drain.ahead.slice(going.length);
        dispatch(drain, state, going, probe);
        probe = false;
      }

      // Keep rows at hand: a webhook's next window is claimed, whole, while this one is out.
      const want = state.ordered
        ? drain.ahead.length === 0 && drain.inFlight === 0 && lane.room() > 0
          ? chatBatch
          : 0
        : drain.ahead.length === 0 || drain.ahead.length < lane.window() / 2
          ? 2 * lane.window() - drain.ahead.length
          : 0;
      if (!empty && want > 0) {
        const rows = await claims.add({
          channelUuid: drain.channelUuid,
          ordered: state.ordered,
          limit: want,
          leaseMs: deps.claimLeaseMs,
        });
        empty = rows.length < want;
        if (rows.length === 0) continue;
        claimsWithRows += 1;
        lastRowsAt = Date.now();
        const granted = await slots(drain, state, state.ordered ? 1 : rows.length);
        const taken = granted.taken === 0 ? [] : state.ordered ? rows : rows.slice(0, granted.taken);
        const held = rows.slice(taken.length);
        drain.ahead.push(...taken);
        probe ||= granted.probe;
        await releaseDeliveries(
          deps.db,
          held.map((r) => r.id),
        );
        if (held.length > 0) {
          const waitMs = await rateWait(state, granted.waitMs);
          if (waitMs > INLINE_WAIT_MS || deps.stopping()) {
            // Too long to wait here: what is out is answered first, then the job waits as a delayed one.
            if (drain.ahead.length === 0 && drain.inFlight === 0) return end({ kind: 'wait', ms: waitMs });
            heldUntil = Date.now() + waitMs;
            empty = true;
          } else {
            empty = false;
            if (drain.ahead.length === 0) await pause(drain, waitMs);
          }
        }
        continue;
      }

      // Nothing to start now: wait for an answer, a wake, or the end of the linger.
      if (drain.inFlight === 0 && drain.ahead.length === 0 && (empty || lane.room() > 0)) {
        const lingering = claimsWithRows >= 2 && drain.job !== null && Date.now() - lastRowsAt < LINGER_MS;
        if (!lingering) {
          // A wake that came while the last claim ran is looked at before ending.
          if (drain.woken) continue;
          const heldFor = heldUntil - Date.now();
          return end(heldFor > 0 ? { kind: 'wait', ms: heldFor } : { kind: 'drained' });
        }
        if (!(await drain.signal.wait(LINGER_LOOK_MS))) empty = false;
        continue;
      }
      // Requests are out: ours, or other channels' to the same destination that fill its window.
      const waitMs = drain.job ? patience(lane) : LINGER_MS;
      const answered = await drain.signal.wait(waitMs, lane);
      // A destination that keeps the drain waiting does not keep a job slot too.
      if (!answered) park(drain);
    }
  }

  /**
   * A drain has ended: it leaves the map (a drain job arriving from now on
   * starts a new one), and, when it had parked, queues what comes next itself.
   * Returns whether it still had its job, which then carries the end.
   */
  function finish(drain: Drain, end: DrainEnd | { kind: 'failed'; err: unknown }): boolean {
    if (drains.get(drain.channelUuid) === drain) drains.delete(drain.channelUuid);
    if (drain.job) return true;
    const channelId = formatId('channel', drain.channelUuid);
    const next = (): Promise<void> => {
      switch (end.kind) {
        case 'drained':
          return deps.lookAfter(drain.channelUuid);
        case 'wait':
          return deps.ensureDrain(channelId, end.ms);
        case 'hand-back':
          return deps.ensureDrain(channelId, 0);
        case 'failed':
          deps.logger.warn({ channel: channelId, err: end.err }, 'drain failed; trying again shortly');
          return deps.ensureDrain(channelId, 1_000);
        case 'gone':
          return Promise.resolve();
      }
    };
    const queued = next()
      .catch((err: unknown) => deps.logger.debug({ err, channel: channelId }, 'drain not re-added; the relay will'))
      .finally(() => queuing.delete(queued));
    queuing.add(queued);
    return false;
  }

  return {
    async process(job, token) {
      const channelUuid = parseId('channel', job.data.channelId);
      if (!channelUuid) throw new UnrecoverableError(`malformed channel id ${job.data.channelId}`);
      // Shutting down: the channel goes back to the queue for another worker.
      if (deps.stopping()) await waitThen(job, token, 0);
      const running = drains.get(channelUuid);
      if (running) {
        running.woken = true;
        running.signal.notify();
        return 'joined';
      }
      const drain: Drain = {
        channelUuid,
        woken: false,
        inFlight: 0,
        failure: null,
        heldBack: false,
        ahead: [],
        signal: createSignal(),
        job: null,
      };
      drains.set(channelUuid, drain);
      const parked = new Promise<'parked'>((resolve) => {
        drain.job = { resolve: () => resolve('parked') };
      });
      const ended = run(drain).then(
        (end): DrainEnd | { kind: 'failed'; err: unknown } => end,
        (err: unknown) => ({ kind: 'failed' as const, err }),
      );
      const first = await Promise.race([parked, ended]);
      if (first === 'parked') {
        void ended.then((end) => finish(drain, end));
        return 'parked';
      }
      // The drain ended while it still had its job: the job carries what comes next.
      finish(drain, first);
      drain.job = null;
      switch (first.kind) {
        case 'drained':
          return 'drained';
        case 'gone':
          return 'gone';
        case 'wait':
          return waitThen(job, token, first.ms);
        case 'hand-back':
          return waitThen(job, token, 0);
        case 'failed':
          throw first.err;
      }
    },
    wake(channelUuids) {
      const woken: Uuid[] = [];
      for (const uuid of channelUuids) {
        const drain = drains.get(uuid);
        // A drain that is handing its channel back to the queue is not woken: the channel needs its job.
        if (!drain || deps.stopping()) continue;
        drain.woken = true;
        drain.signal.notify();
        woken.push(uuid);
      }
      return woken;
    },
    async idle() {
      while (drains.size > 0 || queuing.size > 0) {
        await Promise.all(queuing);
        if (drains.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };

  /**
   * The destination's rate holds the channel back for `waitMs`: rows that have
   * waited `WRENN_MAX_RATE_LIMIT_WAIT` fail, and the drain wakes no later than
   * the next row's deadline.
   */
  async function rateWait(state: ChannelState, waitMs: number): Promise<number> {
    return Math.min(waitMs, (await checkOverdue(state.channel.id, state.provider)) + 1);
  }

  /** Fails the rows past their rate-limit deadline; milliseconds until the next one's (Infinity: none ready). */
  async function checkOverdue(channelUuid: Uuid, provider: string): Promise<number> {
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

/** Puts the job back until `waitMs` from now; never returns. */
async function waitThen(job: Job<DrainJob>, token: string | undefined, waitMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + Math.max(0, Math.ceil(waitMs)), token);
  throw new DelayedError();
}
