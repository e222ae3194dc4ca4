import { resolve } from 'node:path';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  aigcGatewayRuntimesExtensionPoint,
  gatewayClockServiceRef,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { LOCAL_CONFIG_KEY, readLocalConfig } from './config/readLocalConfig';
import { LocalRuntime } from './runtime/LocalRuntime';
import { Bubblewrap } from './sandbox/bubblewrap';

/**
 * Runs the gateway's engines as child processes of the backend's host when
 * `aigcGateway.runtime.local` is configured; without it the module does nothing.
 *
 * @public
 */
export const aigcGatewayModuleLocal = createBackendModule({
  pluginId: 'aigc-gateway',
  moduleId: 'local',
  register(env) {
    env.registerInit({
      deps: {
        runtimes: aigcGatewayRuntimesExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        clock: gatewayClockServiceRef,
      },
      async init({ runtimes, config, logger, clock }) {
        if (!config.has(LOCAL_CONFIG_KEY)) return;
        const local = readLocalConfig(config);
        let sandbox: Bubblewrap | undefined;
        if (local.sandbox.mode === 'bubblewrap') {
          sandbox = new Bubblewrap(local.sandbox);
          sandbox.check();
        } else {
          logger.warn(
            'aigcGateway.runtime.local.sandbox.mode is none: engines run as the backend, uncontained; give this runtime only engines you trust',
          );
        }
        runtimes.addRuntime(
          new LocalRuntime({
            dataRoot: resolve(local.dataRoot),
            workDir: resolve(local.workDir ?? '.'),
            ports: local.ports,
            probeIntervalMs: local.probeIntervalMs,
            startTimeoutMs: local.startTimeoutMs,
            engines: local.engines,
            sandbox,
            logger: logger.child({ runtime: 'local' }),
            clock,
          }),
        );
      },
    });
  },
});
