import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EngineRuntime,
  GatewayClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { InstanceStore } from '../store/InstanceStore';
import { Lifecycle } from './Lifecycle';

/**
 * Converges database and runtime after crashes, restarts and lost events:
 * every instance that should hold compute has it, nothing else does.
 */
export class Reconciler {
  constructor(
    private readonly deps: {
      store: InstanceStore;
      runtime: EngineRuntime;
      lifecycle: Lifecycle;
      logger: LoggerService;
      pools: () => Iterable<string>;
      clock: GatewayClock;
    },
  ) {}

  async reconcile(): Promise<void> {
    const { store, runtime, lifecycle, logger } = this.deps;
    const held = new Map((await runtime.list()).map(s => [s.instanceId, s]));
    const instances = await store.listInStates([
      'starting',
      'running',
      'releasing',
      'deleting',
    ]);
    const wanted = new Set<string>();

    for (const instance of instances) {
      const status = held.get(instance.id);
      if (instance.state === 'starting') {
        wanted.add(instance.id);
        if (!status) await lifecycle.startOnRuntime(instance);
        else if (status.phase === 'ready') {
          await lifecycle.onRuntimeEvent({
            instanceId: instance.id,
            phase: 'ready',
            reason: 'found ready',
            at: this.deps.clock.now(),
          });
        }
      } else if (instance.state === 'running') {
        wanted.add(instance.id);
        if (!status) {
          await lifecycle.onRuntimeEvent({
            instanceId: instance.id,
            phase: 'crashed',
            reason: 'the engine was no longer running',
            at: this.deps.clock.now(),
          });
        }
      } else if (instance.state === 'releasing') {
        await runtime.stop(instance.id);
        await store.transition(instance, {
          state: 'released',
          closeInterval: true,
          message: 'released; the data volume is kept',
        });
      } else if (instance.state === 'deleting') {
        // A crash mid-delete: finish it as it was asked for.
        await lifecycle.finishDelete(instance);
      }
    }

    for (const id of held.keys()) {
      if (!wanted.has(id)) {
        logger.warn(
          `Stopping engine of instance ${id}: it should not hold compute`,
        );
        await runtime.stop(id);
      }
    }
    for (const poolId of this.deps.pools()) {
      await lifecycle.promoteQueue(poolId);
    }
  }
}
