export * from './audit-entry';
export * from './audit-logger';
export * from './audit-writer';
