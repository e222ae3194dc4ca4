import {
  EngineRuntime,
  RuntimeEndpoint,
  RuntimeInstanceStatus,
  RuntimeVolume,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * Stands in for the Kubernetes runtime when its configuration cannot work
 * (no kubeconfig file, an unknown cluster): every call fails with the
 * reason, so a launch fails with it instead of running elsewhere, and
 * `list` fails rather than claim that no engine runs.
 */
export class UnavailableRuntime implements EngineRuntime {
  readonly enginesOutliveBackend = true;

  constructor(readonly id: string, readonly reason: string) {}

  private fail(): Promise<never> {
    return Promise.reject(
      new Error(`the ${this.id} runtime is not available: ${this.reason}`),
    );
  }

  ensureVolume(): Promise<RuntimeVolume> {
    return this.fail();
  }

  start(): Promise<void> {
    return this.fail();
  }

  stop(): Promise<void> {
    return this.fail();
  }

  deleteVolume(): Promise<void> {
    return this.fail();
  }

  observe(): () => void {
    return () => {};
  }

  list(): Promise<RuntimeInstanceStatus[]> {
    return this.fail();
  }

  endpoint(): RuntimeEndpoint | undefined {
    return undefined;
  }

  async shutdown(): Promise<void> {}
}
