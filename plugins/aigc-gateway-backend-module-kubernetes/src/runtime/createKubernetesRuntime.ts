import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  EngineRuntime,
  GatewayClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { readRuntimeConfig } from '../config/readRuntimeConfig';
import { loadKubeConfig } from '../cluster/loadKubeConfig';
import {
  KubernetesRuntime,
  KubernetesRuntimeOptions,
} from './KubernetesRuntime';
import { UnavailableRuntime } from './UnavailableRuntime';
import { GameServerSetRuntime } from '../gameservers/GameServerSetRuntime';

/**
 * The runtime `aigcGateway.runtime.kubernetes` describes, connected. It never
 * throws: a configuration that cannot work gives a runtime that reports why,
 * and an API server that cannot be reached yet is logged while the runtime
 * keeps trying.
 *
 * @public
 */
export async function createKubernetesRuntime(options: {
  config: Config;
  logger: LoggerService;
  clock: GatewayClock;
  resolveEndpoint?: KubernetesRuntimeOptions['resolveEndpoint'];
}): Promise<EngineRuntime> {
  const { config, logger } = options;
  let runtime: KubernetesRuntime;
  try {
    const runtimeConfig = readRuntimeConfig(config);
    const runtimeOptions: KubernetesRuntimeOptions = {
      kubeConfig: loadKubeConfig(runtimeConfig, config),
      config: runtimeConfig,
      logger,
      clock: options.clock,
      resolveEndpoint: options.resolveEndpoint,
    };
    runtime =
      runtimeConfig.mode === 'openkruise-game'
        ? new GameServerSetRuntime(runtimeOptions)
        : new KubernetesRuntime(runtimeOptions);
  } catch (error) {
    const reason = (error as Error).message;
    logger.error(`The Kubernetes runtime is not available: ${reason}`);
    return new UnavailableRuntime('kubernetes', reason);
  }
  try {
    await runtime.whenConnected();
    logger.info(
      `Kubernetes runtime (${runtime.mode}) connected to ${runtime.server}, namespace ${runtime.namespaceName}`,
    );
  } catch (error) {
    logger.error(
      `${(error as Error).message}; the Kubernetes runtime keeps trying`,
    );
  }
  return runtime;
}
