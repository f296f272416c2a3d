export * from './create-db';
export * from './migrate';
export { migrations } from './migrations';
export * from './schema';
