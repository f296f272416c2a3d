export * from './env';
export * from './logger';
export * from './metrics';
export * from './metrics-server';
export * from './readiness';
export * from './redact';
export * from './shutdown';
export * from './version';
