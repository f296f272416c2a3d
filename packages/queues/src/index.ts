export * from './job-state';
export * from './jobs';
export * from './queue-drains';
export * from './queue-events';
export * from './queues';
