export * from './errors.js';
export * from './reader.js';
export * from './schema.js';
export { lastRecordOfKind, readLastRecords } from './tail.js';
export { fastCheckRecord } from './validate.js';
export * from './writer.js';
