import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  aigcGatewayRuntimesExtensionPoint,
  gatewayClockServiceRef,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { hasRuntimeConfig } from './config/readRuntimeConfig';
import { createKubernetesRuntime } from './runtime/createKubernetesRuntime';

/**
 * Runs the gateway's engines on Kubernetes when `aigcGateway.runtime.kubernetes`
 * is configured; without it the module does nothing.
 *
 * @public
 */
export const aigcGatewayModuleKubernetes = createBackendModule({
  pluginId: 'aigc-gateway',
  moduleId: 'kubernetes',
  register(env) {
    env.registerInit({
      deps: {
        runtimes: aigcGatewayRuntimesExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        clock: gatewayClockServiceRef,
      },
      async init({ runtimes, config, logger, clock }) {
        if (!hasRuntimeConfig(config)) return;
        runtimes.addRuntime(
          await createKubernetesRuntime({
            config,
            logger: logger.child({ runtime: 'kubernetes' }),
            clock,
          }),
        );
      },
    });
  },
});
