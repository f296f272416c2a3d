export * from './constant-time';
export * from './secret-box';
export * from './webhook-signing';
