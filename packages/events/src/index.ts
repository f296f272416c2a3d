export * from './event-patterns';
export * from './event-payload';
export * from './event-schemas';
export * from './event-types';
export * from './ids';
export * from './link-templates';
export * from './retry-after';
