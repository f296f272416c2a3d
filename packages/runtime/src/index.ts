export * from './env';
export * from './logger';
export * from './readiness';
export * from './redact';
export * from './shutdown';
export * from './version';
export * from './metrics';
