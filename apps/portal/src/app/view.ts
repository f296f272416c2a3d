/** A delivery log narrowed down; each value as the API takes it. */
export interface LogFilters {
  status?: 'pending' | 'succeeded' | 'failed';
  /** An event type or a pattern (`host.*`). */
  event?: string;
  /** RFC 3339. */
  since?: string;
  /** RFC 3339. */
  until?: string;
}

/** The screen shown. Each has its own address (see `route.ts`); the one-time secret travels only in memory. */
export type View =
  | { screen: 'channels' }
  | { screen: 'new-channel' }
  | { screen: 'channel'; id: string; secret?: string; filters?: LogFilters }
  | { screen: 'delivery'; channelId: string; id: string }
  | { screen: 'audit' };

export type Navigate = (view: View, options?: { replace?: boolean }) => void;
