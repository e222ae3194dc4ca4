/**
 * Scaffolder actions of the AIGC Gateway.
 *
 * @packageDocumentation
 */
export { scaffolderModuleAigcGateway as default } from './module';
export { createLaunchInstanceAction } from './actions/launchInstance';
export { createReleaseInstanceAction } from './actions/releaseInstance';
export { GatewayClient } from './GatewayClient';
