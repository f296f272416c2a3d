export * from './event-patterns';
export * from './event-payload';
export * from './event-schemas';
export * from './event-types';
export * from './ids';
export * from './jobs';
export * from './queues';
export * from './requeue-delivery';
