export * from './event-filter';
export * from './quiet-hours';
