export * from './ensure-drains';
export * from './job-state';
export * from './jobs';
export * from './queue-events';
export * from './queue-shards';
export * from './queues';
export * from './redis-connection';
