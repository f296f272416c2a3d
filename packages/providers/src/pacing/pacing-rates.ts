import type { ProviderName } from '../provider';

/** At most `limit` requests in any `windowMs` (a sliding window). */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/**
 * How a destination is paced: every window must allow a request before it is
 * sent. How many requests may be out at once is the worker's lane's business
 * (one for chat, an adaptive window for signed webhooks).
 */
export interface PacingRule {
  windows: readonly RateWindow[];
}

/** Telegram groups (chat ids starting with `-`) also take about 20 messages a minute. */
export const TELEGRAM_GROUP_WINDOW: RateWindow = { limit: 20, windowMs: 60_000 };

/**
 * The providers' published rates per destination. Sliding windows never allow
 * more than the provider's own bucket would (Matrix's burst of 10 at 0.2/s is
 * 10 per 50 s). Signed webhooks publish no rate: the endpoint's answers (how
 * fast, 429s, rate-limit headers) set their pace.
 */
export const PACING_RULES: Readonly<Record<ProviderName, PacingRule>> = {
  slack: { windows: [{ limit: 1, windowMs: 1_000 }] },
  discord: {
    windows: [
      { limit: 5, windowMs: 2_000 },
      { limit: 30, windowMs: 60_000 },
    ],
  },
  telegram: { windows: [{ limit: 1, windowMs: 1_000 }] },
  googlechat: { windows: [{ limit: 1, windowMs: 1_000 }] },
  teams: { windows: [{ limit: 1, windowMs: 1_000 }] },
  matrix: { windows: [{ limit: 10, windowMs: 50_000 }] },
  webhook: { windows: [] },
};
