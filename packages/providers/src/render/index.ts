export * from './describe-event';
export * from './truncate';
