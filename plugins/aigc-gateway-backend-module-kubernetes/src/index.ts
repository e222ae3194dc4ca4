/**
 * The Kubernetes runtime of the AIGC Gateway.
 *
 * @packageDocumentation
 */
export { aigcGatewayModuleKubernetes as default } from './module';
