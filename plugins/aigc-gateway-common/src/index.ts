/**
 * Types, zod schemas and helpers shared by the AIGC Gateway frontend and backend.
 *
 * @packageDocumentation
 */
export * from './schemas/config';
export * from './schemas/api';
export * from './schemas/instances';
export { formatZodError } from './schemas/format';
export * from './permissions';
