export * from './jobs';
export * from './queue-drains';
export * from './queues';
