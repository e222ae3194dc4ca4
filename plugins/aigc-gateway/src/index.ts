/**
 * The AIGC Gateway frontend plugin. The new frontend system imports the
 * default export of `@internal/plugin-aigc-gateway/alpha`; legacy apps use
 * the exports below.
 *
 * @packageDocumentation
 */
export { aigcGatewayPlugin, AigcGatewayPage } from './plugin';
export { aigcGatewayApiRef } from './api/AigcGatewayApi';
export type { AigcGatewayApi } from './api/AigcGatewayApi';
export { AigcGatewayClient } from './api/AigcGatewayClient';
