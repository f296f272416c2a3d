/**
 * What a finished request tells its lane: the destination answered (with how
 * long it took), or it showed strain: a 429, a 5xx, a timeout or no answer.
 */
export type LaneSignal = { kind: 'answered'; latencyMs: number } | { kind: 'strained' };

/** A request counted in a lane, from its start to its end. */
export interface LaneTicket {
  /** The lane's request count when it started: a strain shrinks the window once per window of requests. */
  readonly seq: number;
  /** The window was full when it started: only then does a fast answer say the window may grow. */
  readonly filled: boolean;
}

/**
 * One destination's requests in flight from this process. Its window, the
 * number that may be in flight at once, adapts for signed webhooks (AIMD, as
 * TCP's congestion window and Envoy's adaptive concurrency do): from a small
 * start it grows by one per window of fast answers while it is full, and
 * halves, once per window of requests, on a strain or on an answer much
 * slower than the destination's usual. Chat destinations keep one request in
 * flight: their messages must arrive in order, and their pace is published.
 */
export interface Lane {
  readonly key: string;
  /** Requests that may start now. */
  room(): number;
  start(): LaneTicket;
  finish(ticket: LaneTicket, signal: LaneSignal): void;
  /** Calls `listener` each time a request of the lane finishes, until the returned function is called. */
  onSettle(listener: () => void): () => void;
  /** The current window (rounded down). */
  window(): number;
  inFlight(): number;
  /** A moving average of answer times; `null` until the first answer. */
  latencyMs(): number | null;
}

export interface LanesOptions {
  /** A new webhook destination's window; default 1. */
  initialWindow?: number;
  /** The largest window; default 128. */
  maxWindow?: number;
  /** Requests in flight in this process over every lane at most; default 8,192 (sockets and memory). */
  maxInFlight?: number;
  /** An idle lane is forgotten after this long; default 10 minutes. */
  idleForgetMs?: number;
}

export interface Lanes {
  /** The lane of a destination; `adaptive` for signed webhooks, a fixed window of one otherwise. */
  laneFor(key: string, adaptive: boolean): Lane;
  /** Requests in flight over every lane. */
  inFlight(): number;
}

/** An answer this much slower than the destination's fastest recent one (and 100 ms more) counts as a strain. */
const SLOW_FACTOR = 3;
const SLOW_MARGIN_MS = 100;
/** Only an answer about as fast as the fastest recent one (within twice it and 50 ms) lets the window grow. */
const FAST_FACTOR = 2;
const FAST_MARGIN_MS = 50;
/** An answer slower than this never grows the window: a destination that takes seconds gains nothing from more at once. */
const GROW_UNDER_MS = 1_000;
/**
 * How fast the fastest-answer baseline forgets (per answer): a destination
 * that slowed for good is taken at its new speed after a couple of hundred answers.
 */
const BASELINE_DRIFT = 1.03;
/** Weight of each new answer in the latency average. */
const EWMA = 0.2;

/** Every destination's lane in this worker process. */
export function createLanes(options: LanesOptions = {}): Lanes {
  const initialWindow = options.initialWindow ?? 1;
  const maxWindow = options.maxWindow ?? 128;
  const maxInFlight = options.maxInFlight ?? 8_192;
  const idleForgetMs = options.idleForgetMs ?? 600_000;
  const lanes = new Map<string, { lane: Lane; idleSince: number }>();
  let total = 0;
  let lookups = 0;

  function forgetIdle(now: number): void {
    for (const [key, entry] of lanes) {
      if (entry.lane.inFlight() === 0 && now - entry.idleSince > idleForgetMs) lanes.delete(key);
    }
  }

  function createLane(key: string, adaptive: boolean): Lane {
    let window = adaptive ? initialWindow : 1;
    let inFlight = 0;
    let started = 0;
    let shrunkAt = -1;
    let average: number | null = null;
    let baseline = Number.POSITIVE_INFINITY;
    const listeners = new Set<() => void>();

    function shrink(ticket: LaneTicket): void {
      // Requests already out when the window last shrank reported the same strain.
      if (ticket.seq <= shrunkAt) return;
      window = Math.max(1, window / 2);
      shrunkAt = started;
    }

    function grow(): void {
      // One more per window of answers: no faster, so a burst into a limit is refused a few requests, not many.
      window = Math.min(maxWindow, window + 1 / window);
    }

    const lane: Lane = {
      key,
      room: () => Math.max(0, Math.min(Math.floor(window) - inFlight, maxInFlight - total)),
      start() {
        started += 1;
        const ticket = { seq: started, filled: inFlight + 1 >= Math.floor(window) };
        inFlight += 1;
        total += 1;
        return ticket;
      },
      finish(ticket, signal) {
        inFlight -= 1;
        total -= 1;
        const entry = lanes.get(key);
        if (entry && inFlight === 0) entry.idleSince = Date.now();
        if (signal.kind === 'answered') {
          const { latencyMs } = signal;
          average = average === null ? latencyMs : average + EWMA * (latencyMs - average);
          baseline = Math.min(latencyMs, baseline * BASELINE_DRIFT);
          if (adaptive) {
            if (latencyMs > baseline * SLOW_FACTOR + SLOW_MARGIN_MS) shrink(ticket);
            else if (ticket.filled && latencyMs <= Math.min(GROW_UNDER_MS, baseline * FAST_FACTOR + FAST_MARGIN_MS)) {
              grow();
            }
          }
        } else if (adaptive) {
          shrink(ticket);
        }
        for (const listener of [...listeners]) listener();
      },
      onSettle(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      window: () => Math.floor(window),
      inFlight: () => inFlight,
      latencyMs: () => average,
    };
    return lane;
  }

  return {
    laneFor(key, adaptive) {
      const now = Date.now();
      if (++lookups % 1024 === 0) forgetIdle(now);
      let entry = lanes.get(key);
      if (!entry) {
        entry = { lane: createLane(key, adaptive), idleSince: now };
        lanes.set(key, entry);
      }
      return entry.lane;
    },
    inFlight: () => total,
  };
}
