/**
 * The Kubernetes runtime of the AIGC Gateway.
 *
 * @packageDocumentation
 */
export { aigcGatewayModuleKubernetes as default } from './module';
export { KubernetesRuntime } from './runtime/KubernetesRuntime';
export type {
  EndpointTarget,
  KubernetesRuntimeOptions,
} from './runtime/KubernetesRuntime';
export { createKubernetesRuntime } from './runtime/createKubernetesRuntime';
export { parseRuntimeConfig } from './config/readRuntimeConfig';
export type { KubernetesRuntimeConfig } from './config/runtimeConfig';
