/**
 * Test utilities for AIGC Gateway backends.
 *
 * @packageDocumentation
 */
export { createUserTokenIssuer } from './userTokenIssuer';
export { demoUserGroups, demoUserInfoServiceFactory } from './demoUsers';
export {
  engineServer,
  sampleEngineInstalls,
  sampleGatewayConfig,
  sampleVersion,
} from './sampleGatewayConfig';
export { eventually } from './eventually';
export { TestClock } from './TestClock';
