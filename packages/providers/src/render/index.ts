export * from './board';
export * from './describe-event';
export * from './digest';
export * from './truncate';
