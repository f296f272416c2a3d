export * from './constant-time';
export * from './sealed-config';
export * from './secret-box';
export * from './webhook-signing';
