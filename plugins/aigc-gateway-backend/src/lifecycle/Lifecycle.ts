import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { LaunchRequest } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  EngineRuntime,
  GpuPool,
  RuntimeEvent,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { Definitions } from '../store/DefinitionStore';
import {
  InstanceRecord,
  InstanceStore,
  IntervalOpening,
  Transition,
  UniqueViolation,
} from '../store/InstanceStore';
import { priceAt } from '../cost/priceBook';
import { GatewayMetrics } from '../metrics/GatewayMetrics';
import { LaunchGate, LaunchOwner } from './LaunchGate';
import { resolveLaunch } from './resolveLaunch';

export interface Launcher {
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

export type LaunchOutcome = 'created' | 'existing' | 'queued';

/**
 * Where an instance of this pool goes, and what its usage interval records.
 * Room comes from the runtime when it sees it live (Kubernetes nodes), else
 * from the pool's configured capacity.
 */
function placement(pool: GpuPool, runtime: EngineRuntime) {
  return {
    poolId: pool.id,
    capacity: runtime.poolSlots?.(pool) ?? pool.capacity,
    opening: {
      gpuType: pool.gpuType,
      gpuCount: pool.gpusPerInstance,
      pricePerHourAt: (at: Date) => priceAt(pool, at),
    } satisfies IntervalOpening,
  };
}

/**
 * The instance state machine of DESIGN §4. Every change is a conditional
 * update on the row version; compute-holding changes open or close the usage
 * interval in the same transaction.
 */
export class Lifecycle {
  private unsubscribe?: () => void;

  constructor(
    private readonly deps: {
      store: InstanceStore;
      definitions: () => Definitions;
      runtime: EngineRuntime;
      logger: LoggerService;
      gates?: LaunchGate[];
      /** Last words with a running engine before its compute goes, e.g. its job count. */
      beforeStop?: (instance: InstanceRecord) => Promise<void>;
      /** Told how long starts and queues took. */
      timings?: Pick<GatewayMetrics, 'engineReady' | 'leftQueue'>;
    },
  ) {}

  private async admit(owner: LaunchOwner, pool: GpuPool) {
    for (const gate of this.deps.gates ?? []) await gate.check(owner, pool);
  }

  /** Follows the runtime's phase changes. */
  listen() {
    this.unsubscribe = this.deps.runtime.observe(event => {
      this.onRuntimeEvent(event).catch(error =>
        this.deps.logger.error(
          `Failed to apply ${event.phase} of instance ${event.instanceId}: ${error}`,
        ),
      );
    });
  }

  async launch(
    launcher: Launcher,
    request: LaunchRequest,
  ): Promise<{ instance: InstanceRecord; outcome: LaunchOutcome }> {
    const { store } = this.deps;
    const { template, version, pool } = resolveLaunch(
      this.deps.definitions(),
      request,
    );
    const name = request.name ?? '';
    const existing = await store.findActive(
      launcher.userEntityRef,
      template.id,
      name,
    );
    if (existing) {
      if (existing.state === 'released' || existing.state === 'failed') {
        return { instance: await this.relaunch(existing), outcome: 'existing' };
      }
      return { instance: existing, outcome: 'existing' };
    }

    const ownerGroups = launcher.ownershipEntityRefs.filter(r =>
      r.startsWith('group:'),
    );
    // The quota check and the new record, with no other admission between them.
    const launched = await store.admitting(async () => {
      await this.admit({ ownerRef: launcher.userEntityRef, ownerGroups }, pool);
      return this.create(launcher, {
        template,
        version,
        pool,
        name,
        ownerGroups,
      });
    });
    if (launched.outcome === 'created')
      await this.startOnRuntime(launched.instance);
    return launched;
  }

  /** The new instance and its volume, queued when its pool is full. */
  private async create(
    launcher: Launcher,
    launch: ReturnType<typeof resolveLaunch> & {
      name: string;
      ownerGroups: string[];
    },
  ): Promise<{ instance: InstanceRecord; outcome: LaunchOutcome }> {
    const { store, runtime } = this.deps;
    const { template, version, pool, name, ownerGroups } = launch;
    const volume = await runtime.ensureVolume(randomUUID(), {
      templateId: template.id,
      version,
      pool,
    });
    let instance: InstanceRecord;
    try {
      instance = await store.create({
        instance: {
          id: randomUUID(),
          ownerRef: launcher.userEntityRef,
          ownerGroups,
          templateId: template.id,
          version: version.version,
          poolId: pool.id,
          name,
          volumeId: volume.id,
          runtimeId: runtime.id,
        },
        volume: {
          id: volume.id,
          ownerRef: launcher.userEntityRef,
          templateId: template.id,
          runtimeId: runtime.id,
          runtimeRef: volume.runtimeRef,
          dataLayout: version.dataLayout,
        },
        place: {
          ...placement(pool, this.deps.runtime),
          startMessage: `launching ${template.title} ${version.version} in ${pool.title}`,
          queuedMessage: `queued: ${pool.title} is full`,
        },
      });
    } catch (error) {
      if (!(error instanceof UniqueViolation)) throw error;
      // A concurrent launch of the same (owner, template, name) won.
      await runtime.deleteVolume(volume);
      const winner = await store.findActive(
        launcher.userEntityRef,
        template.id,
        name,
      );
      if (!winner) throw error;
      return { instance: winner, outcome: 'existing' };
    }
    return {
      instance,
      outcome: instance.state === 'starting' ? 'created' : 'queued',
    };
  }

  /** Starts a released or failed instance again on its volume. */
  /** Starts a released or failed instance again on its volume; `cause` is kept on the usage interval (e.g. `woken on access`). */
  async relaunch(
    instance: InstanceRecord,
    cause: string | null = null,
  ): Promise<InstanceRecord> {
    if (instance.state !== 'released' && instance.state !== 'failed') {
      throw new ConflictError(
        `instance ${instance.id} is ${instance.state}; only a released or failed instance can be launched again`,
      );
    }
    const { template, version, pool } = resolveLaunch(this.deps.definitions(), {
      templateId: instance.templateId,
      version: instance.version,
      poolId: instance.poolId,
    });
    const next = await this.deps.store.admitting(async () => {
      await this.admit(instance, pool);
      return this.move(instance, {
        state: 'starting',
        failureReason: null,
        message: '',
        cause,
        place: {
          ...placement(pool, this.deps.runtime),
          startMessage: `launching ${template.title} ${version.version} again on its volume`,
          queuedMessage: `queued: ${pool.title} is full`,
        },
      });
    });
    if (next.state === 'starting') await this.startOnRuntime(next);
    return next;
  }

  /** Frees the compute and keeps the volume. A queued launch is cancelled. */
  async release(
    instance: InstanceRecord,
    why = 'released by its owner',
  ): Promise<InstanceRecord> {
    if (instance.state === 'queued') {
      const cancelled = await this.move(instance, {
        state: 'released',
        queuedAt: null,
        message: `cancelled: ${why}`,
      });
      return cancelled;
    }
    if (instance.state !== 'starting' && instance.state !== 'running') {
      throw new ConflictError(
        `instance ${instance.id} is ${instance.state}; there is no compute to release`,
      );
    }
    const releasing = await this.startReleasing(instance, why);
    if (instance.state === 'running')
      await this.deps
        .beforeStop?.(releasing)
        .catch(error =>
          this.deps.logger.warn(
            `Before releasing instance ${instance.id}: ${error}`,
          ),
        );
    await this.deps.runtime.stop(instance.id);
    const released =
      (await this.deps.store.transition(releasing, {
        state: 'released',
        closeInterval: true,
        message: 'released; the data volume is kept',
      })) ?? (await this.releasedElsewhere(releasing.id));
    await this.promoteQueue(instance.poolId);
    return released;
  }

  /** Deletes a released or failed instance; its data only when asked. */
  async delete(instance: InstanceRecord, deleteData: boolean): Promise<void> {
    if (!['released', 'failed', 'queued'].includes(instance.state)) {
      throw new ConflictError(
        `instance ${instance.id} is ${instance.state}; release it before deleting it`,
      );
    }
    const deleting = await this.move(instance, {
      state: 'deleting',
      deleteData,
      message: deleteData
        ? 'deleting the instance and its data'
        : 'deleting the instance; the data volume is kept',
    });
    await this.finishDelete(deleting, deleteData);
  }

  async finishDelete(
    instance: InstanceRecord,
    deleteData = instance.deleteData,
  ) {
    const volume = await this.deps.store.getVolume(instance.volumeId);
    if (deleteData && volume && !volume.deletedAt) {
      await this.deps.runtime.deleteVolume(volume);
      await this.deps.store.markVolumeDeleted(volume.id);
    }
    await this.move(instance, { state: 'deleted', message: 'deleted' });
  }

  /** Applies what the runtime saw to the instance, if it still applies. */
  async onRuntimeEvent(event: RuntimeEvent) {
    const instance = await this.deps.store.get(event.instanceId);
    if (!instance) return;
    if (event.phase === 'ready' && instance.state === 'starting') {
      const running = await this.deps.store.transition(instance, {
        state: 'running',
        touch: true,
        message: `running: ${event.reason}`,
      });
      // It entered `starting` at its last update.
      if (running)
        this.deps.timings?.engineReady(
          instance.poolId,
          (event.at.getTime() - instance.updatedAt.getTime()) / 1000,
        );
    } else if (
      event.phase === 'crashed' &&
      (instance.state === 'starting' || instance.state === 'running')
    ) {
      const failed = await this.deps.store.transition(instance, {
        state: 'failed',
        failureReason: event.reason,
        closeInterval: true,
        message: `failed: ${event.reason}`,
      });
      if (failed) await this.promoteQueue(instance.poolId);
    }
  }

  /** Starts queued instances of a pool, oldest first, while it has room. */
  async promoteQueue(poolId: string) {
    const pool = this.deps.definitions().pools.get(poolId);
    if (!pool) return;
    for (;;) {
      const next = await this.deps.store.nextQueued(poolId);
      if (!next) return;
      const starting = await this.deps.store.transition(next, {
        state: 'starting',
        message: '',
        place: {
          ...placement(pool, this.deps.runtime),
          isQueueHead: true,
          startMessage: `${pool.title} has room: launching`,
        },
      });
      // No room (or another replica took it): the queue waits.
      if (!starting) return;
      if (next.queuedAt)
        this.deps.timings?.leftQueue(
          poolId,
          (starting.updatedAt.getTime() - next.queuedAt.getTime()) / 1000,
        );
      await this.startOnRuntime(starting);
    }
  }

  /** Starts the engine; a start that cannot even begin fails the instance. */
  async startOnRuntime(instance: InstanceRecord) {
    const { template, version, pool } = resolveLaunch(this.deps.definitions(), {
      templateId: instance.templateId,
      version: instance.version,
      poolId: instance.poolId,
    });
    const volume = await this.deps.store.getVolume(instance.volumeId);
    try {
      await this.deps.runtime.start({
        instanceId: instance.id,
        templateId: template.id,
        version,
        pool,
        volume: { id: instance.volumeId, runtimeRef: volume!.runtimeRef },
        ownerRef: instance.ownerRef,
      });
    } catch (error) {
      const current = await this.deps.store.get(instance.id);
      if (current?.state === 'starting') {
        await this.deps.store.transition(current, {
          state: 'failed',
          failureReason: `could not start: ${(error as Error).message}`,
          closeInterval: true,
          message: `failed: could not start: ${(error as Error).message}`,
        });
      }
    }
  }

  /** On a clean shutdown the engines stop, so their instances are released. */
  async releaseAll(why: string) {
    this.unsubscribe?.();
    for (const instance of await this.deps.store.listInStates([
      'starting',
      'running',
    ])) {
      if (instance.runtimeId !== this.deps.runtime.id) continue;
      await this.release(instance, why).catch(error =>
        this.deps.logger.warn(
          `Could not release instance ${instance.id}: ${error}`,
        ),
      );
    }
  }

  /**
   * Moves a starting or running instance to `releasing`. The engine coming
   * up (starting → running) may change the row meanwhile; that is no reason
   * to refuse, so a lost race is tried again on the fresh row.
   */
  private async startReleasing(
    instance: InstanceRecord,
    why: string,
  ): Promise<InstanceRecord> {
    let current = instance;
    for (let attempt = 1; ; attempt++) {
      const releasing = await this.deps.store.transition(current, {
        state: 'releasing',
        message: `releasing: ${why}`,
      });
      if (releasing) return releasing;
      const fresh = await this.deps.store.get(instance.id);
      if (
        !fresh ||
        (fresh.state !== 'starting' && fresh.state !== 'running') ||
        attempt === 3
      ) {
        throw new ConflictError(
          `instance ${instance.id} changed while it was being updated; try again`,
        );
      }
      current = fresh;
    }
  }

  /**
   * The instance after losing the last step of a release to the reconciler,
   * which finishes releases it finds while the engine stops.
   */
  private async releasedElsewhere(id: string): Promise<InstanceRecord> {
    const current = await this.deps.store.get(id);
    if (current?.state !== 'released') {
      throw new ConflictError(
        `instance ${id} changed while it was being updated; try again`,
      );
    }
    return current;
  }

  /** A transition that must win: a lost race is a 409 for the caller to retry. */
  private async move(
    instance: InstanceRecord,
    change: Transition,
  ): Promise<InstanceRecord> {
    const next = await this.deps.store.transition(instance, change);
    if (!next) {
      throw new ConflictError(
        `instance ${instance.id} changed while it was being ${
          change.state === 'deleting' ? 'deleted' : 'updated'
        }; try again`,
      );
    }
    return next;
  }
}
