/**
 * Types, zod schemas and helpers shared by the AIGC Gateway frontend and backend.
 *
 * @packageDocumentation
 */
export * from './schemas/config';
export * from './schemas/kubernetes';
export * from './schemas/api';
export * from './schemas/instances';
export * from './schemas/cost';
export * from './schemas/rollouts';
export * from './catalogNames';
export { formatZodError } from './schemas/format';
export * from './permissions';
