import { ServiceUnavailableError } from '@backstage/errors';
import {
  EngineRuntime,
  RuntimeVolume,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { LaunchGate } from '../lifecycle/LaunchGate';

/** What an operator adds so that the gateway can run engines. */
export const NO_RUNTIME_MESSAGE =
  'No engine runtime is installed in this portal: add @aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local (engines as processes on the backend host, configured under aigcGateway.runtime.local) or @aigc-gateway/backstage-plugin-aigc-gateway-backend-module-kubernetes (engines as pods, configured under aigcGateway.runtime.kubernetes) to the backend';

/**
 * The runtime of a gateway that has none: the API, catalog and cost views
 * work, and every new start is refused with a 503 that names the modules to
 * add. Nothing runs on the portal's host.
 */
export class NoRuntime implements EngineRuntime, LaunchGate {
  readonly id = 'none';

  async check(): Promise<void> {
    throw new ServiceUnavailableError(NO_RUNTIME_MESSAGE);
  }

  async ensureVolume(): Promise<RuntimeVolume> {
    throw new ServiceUnavailableError(NO_RUNTIME_MESSAGE);
  }

  async start(): Promise<void> {
    throw new ServiceUnavailableError(NO_RUNTIME_MESSAGE);
  }

  // Nothing runs, so there is nothing to stop or delete.
  async stop(): Promise<void> {}

  async deleteVolume(): Promise<void> {}

  observe(): () => void {
    return () => {};
  }

  async list() {
    return [];
  }

  endpoint() {
    return undefined;
  }

  async shutdown(): Promise<void> {}
}
