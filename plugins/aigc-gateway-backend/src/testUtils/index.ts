/**
 * Test utilities for backends that run the AIGC Gateway plugin.
 *
 * @packageDocumentation
 */
export { ownersOnlyPolicy } from './permissions';
