/**
 * Catalog module of the AIGC Gateway: publishes engine templates, versions,
 * GPU pools and instances as catalog entities.
 *
 * @packageDocumentation
 */
export { catalogModuleAigcGateway as default } from './module';
export { toEntities } from './provider/toEntities';
export type { GatewaySnapshot } from './provider/toEntities';
