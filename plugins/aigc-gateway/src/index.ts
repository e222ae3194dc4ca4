/**
 * The AIGC Gateway frontend plugin. The new frontend system imports the
 * default export of `@aigc-gateway/backstage-plugin-aigc-gateway/alpha`; legacy apps use
 * the exports below.
 *
 * @packageDocumentation
 */
export {
  aigcGatewayPlugin,
  AigcGatewayPage,
  AigcPoolPickerFieldExtension,
  AigcTemplatePickerFieldExtension,
  AigcVersionPickerFieldExtension,
  EntityAigcCostContent,
  EntityAigcEngineContent,
} from './plugin';
export type { PickerUiOptions } from './components/ScaffolderFields';
export { isAigcEngine } from './components/EntityEngine/engineEntity';
export { isAigcCostAvailable } from './components/Cost/entityCost';
export { aigcGatewayApiRef } from './api/AigcGatewayApi';
export type { AigcGatewayApi, CostRequest } from './api/AigcGatewayApi';
export { AigcGatewayClient } from './api/AigcGatewayClient';
