/** The screen shown; the page keeps it in memory (the address carries nothing). */
export type View =
  | { screen: 'channels' }
  | { screen: 'new-channel' }
  | { screen: 'channel'; id: string; secret?: string }
  | { screen: 'audit' };

export type Navigate = (view: View) => void;
