export * from './job-state';
export * from './jobs';
export * from './queue-drains';
export * from './queue-events';
export * from './queue-shards';
export * from './queues';
export * from './redis-connection';
