export * from './board';
export * from './describe-event';
export * from './digest';
export * from './links';
export * from './truncate';
