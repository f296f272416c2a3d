import type { ProviderName } from '../provider';

/** At most `limit` requests in any `windowMs` (a sliding window). */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/**
 * How a destination is paced: every window must allow a request before it is
 * sent; `inFlight` requests of one channel may be out at once.
 */
export interface PacingRule {
  windows: readonly RateWindow[];
  inFlight: number;
}

/** Telegram groups (chat ids starting with `-`) also take about 20 messages a minute. */
export const TELEGRAM_GROUP_WINDOW: RateWindow = { limit: 20, windowMs: 60_000 };

/**
 * The providers' published rates per destination. Sliding windows never allow
 * more than the provider's own bucket would (Matrix's burst of 10 at 0.2/s is
 * 10 per 50 s). Chat destinations get one request at a time: their messages
 * must arrive in order. Signed webhooks publish no rate; they follow the
 * endpoint's 429s with a few requests in flight.
 */
export const PACING_RULES: Readonly<Record<ProviderName, PacingRule>> = {
  slack: { windows: [{ limit: 1, windowMs: 1_000 }], inFlight: 1 },
  discord: {
    windows: [
      { limit: 5, windowMs: 2_000 },
      { limit: 30, windowMs: 60_000 },
    ],
    inFlight: 1,
  },
  telegram: { windows: [{ limit: 1, windowMs: 1_000 }], inFlight: 1 },
  googlechat: { windows: [{ limit: 1, windowMs: 1_000 }], inFlight: 1 },
  teams: { windows: [{ limit: 1, windowMs: 1_000 }], inFlight: 1 },
  matrix: { windows: [{ limit: 10, windowMs: 50_000 }], inFlight: 1 },
  webhook: { windows: [], inFlight: 4 },
};
