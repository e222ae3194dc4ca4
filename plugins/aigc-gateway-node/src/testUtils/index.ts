/**
 * Test utilities for AIGC Gateway backends.
 *
 * @packageDocumentation
 */
export { createUserTokenIssuer } from './userTokenIssuer';
