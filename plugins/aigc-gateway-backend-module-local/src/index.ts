/**
 * The local runtime of the AIGC Gateway: engines as child processes of the
 * backend's host.
 *
 * @packageDocumentation
 */
export { aigcGatewayModuleLocal as default } from './module';
export { LocalRuntime } from './runtime/LocalRuntime';
export type { LocalRuntimeOptions } from './runtime/LocalRuntime';
export type { EngineInstall } from './config/localConfig';
