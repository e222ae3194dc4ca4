import { createApiRef } from '@backstage/core-plugin-api';
import { EngineTemplateView } from '@internal/plugin-aigc-gateway-common';

/** The gateway's REST API as the portal uses it. */
export interface AigcGatewayApi {
  listTemplates(): Promise<EngineTemplateView[]>;
}

export const aigcGatewayApiRef = createApiRef<AigcGatewayApi>({
  id: 'plugin.aigc-gateway.api',
});
