export * from './destination-key';
export * from './pacing-rates';
