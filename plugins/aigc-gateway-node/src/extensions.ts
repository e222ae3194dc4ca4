import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { EngineRuntime } from './runtime';

/**
 * Lets backend modules add engine runtimes to the gateway:
 *
 * ```ts
 * env.registerInit({
 *   deps: { runtimes: aigcGatewayRuntimesExtensionPoint },
 *   async init({ runtimes }) { runtimes.addRuntime(new MyRuntime()); },
 * });
 * ```
 *
 * @public
 */
export interface AigcGatewayRuntimesExtensionPoint {
  addRuntime(runtime: EngineRuntime): void;
}

/** @public */
export const aigcGatewayRuntimesExtensionPoint =
  createExtensionPoint<AigcGatewayRuntimesExtensionPoint>({
    id: 'aigc-gateway.runtimes',
  });
