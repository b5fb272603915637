export * from './config/schema.js';
export type * from './domain/state.js';
export type * from './domain/types.js';
export type * from './scan/api.js';
