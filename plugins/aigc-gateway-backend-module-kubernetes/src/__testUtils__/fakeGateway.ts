import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  aigcGatewayRuntimesExtensionPoint,
  EngineRuntime,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** The gateway plugin's extension point alone, keeping the runtimes modules add. */
export function fakeGatewayPlugin() {
  const runtimes: EngineRuntime[] = [];
  const plugin = createBackendPlugin({
    pluginId: 'aigc-gateway',
    register(env) {
      env.registerExtensionPoint(aigcGatewayRuntimesExtensionPoint, {
        addRuntime: runtime => runtimes.push(runtime),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  return { plugin, runtimes };
}
