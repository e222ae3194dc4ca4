/**
 * The local runtime of the AIGC Gateway: engines as child processes of the
 * backend's host.
 *
 * @packageDocumentation
 */
export { aigcGatewayModuleLocal as default } from './module';
