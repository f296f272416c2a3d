export * from './constant-time';
export * from './secret-box';
export * from './webhook-signing';
export * from './sealed-config';
