/**
 * Catalog module of the AIGC Gateway: publishes engine templates, versions,
 * GPU pools and instances as catalog entities.
 *
 * @packageDocumentation
 */
export { catalogModuleAigcGateway as default } from './module';
export { AigcGatewayEntityProvider } from './provider/AigcGatewayEntityProvider';
export { toEntities } from './provider/toEntities';
