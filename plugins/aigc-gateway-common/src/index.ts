/**
 * What the AIGC Gateway frontend, backend and modules share: the HTTP API's
 * request and response types, the permissions, catalog names and event topics.
 *
 * @packageDocumentation
 */
export * from './types/definitions';
export * from './types/templates';
export * from './types/instances';
export * from './types/cost';
export * from './types/rollouts';
export * from './catalogNames';
export * from './permissions';
