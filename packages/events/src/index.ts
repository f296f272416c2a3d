export * from './event-payload';
export * from './event-types';
export * from './ids';
export * from './jobs';
export * from './queues';
export * from './queue-drains';
