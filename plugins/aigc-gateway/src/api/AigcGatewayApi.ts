import { createApiRef } from '@backstage/core-plugin-api';
import {
  EngineTemplateView,
  InstanceEventView,
  InstanceView,
  LaunchRequest,
  PoolView,
} from '@internal/plugin-aigc-gateway-common';

/** The gateway's REST API as the portal uses it. */
export interface AigcGatewayApi {
  listTemplates(): Promise<EngineTemplateView[]>;
  listPools(): Promise<PoolView[]>;
  listInstances(options?: { scope?: 'mine' | 'all' }): Promise<InstanceView[]>;
  getInstance(id: string): Promise<InstanceView>;
  launch(request: LaunchRequest): Promise<InstanceView>;
  release(id: string): Promise<InstanceView>;
  relaunch(id: string): Promise<InstanceView>;
  deleteInstance(id: string, options: { deleteData: boolean }): Promise<void>;
  /** Sets the cookie that lets a browser tab open engines through the gateway. */
  authorizeBrowser(): Promise<void>;
  /** Follows an instance's progress until `signal` aborts. */
  streamEvents(
    id: string,
    onEvent: (event: InstanceEventView) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

export const aigcGatewayApiRef = createApiRef<AigcGatewayApi>({
  id: 'plugin.aigc-gateway.api',
});
