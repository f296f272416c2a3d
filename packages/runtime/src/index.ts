export * from './env';
export * from './logger';
export * from './metrics';
export * from './readiness';
export * from './redact';
export * from './redis-env';
export * from './shutdown';
export * from './version';
