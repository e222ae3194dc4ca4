import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  canMigrate,
  EngineRuntime,
  EngineTemplate,
  EngineVersion,
  GatewayClock,
  Migration,
  RuntimeVolume,
  VolumeMigrator,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { Definitions } from '../store/DefinitionStore';
import { InstanceRecord, InstanceStore } from '../store/InstanceStore';
import {
  VersionSwitchRecord,
  VersionSwitchStore,
} from '../store/VersionSwitchStore';
import { migrationPlan, undoPlan } from './migrationPlan';
import { AuditTrail } from '../audit/AuditTrail';

/** Heartbeats come well within the time after which a switch counts as dead. */
const heartbeatMs = (staleAfterMs: number) =>
  Math.min(10_000, staleAfterMs / 3);

/**
 * Switches a released instance to another version of its template: the
 * instance is `migrating` meanwhile, its volume is copied aside, the
 * migrations between the two data layouts run on it, and the new version
 * is pinned. When a migration fails the copy is put back and the instance
 * stays on its version. A runtime that cannot copy volumes runs only
 * reversible migrations and undoes a failure with their reverses. A backend
 * that dies mid-switch stops sending heartbeats; any replica then undoes
 * the switch (`recover`).
 */
export class VersionSwitcher {
  constructor(
    private readonly deps: {
      store: InstanceStore;
      audit: AuditTrail;
      switches: VersionSwitchStore;
      runtime: EngineRuntime;
      definitions: () => Definitions;
      logger: LoggerService;
      /** A switch not heard of for this long is taken to be dead. */
      staleAfterMs: number;
      clock: GatewayClock;
    },
  ) {}

  /** Checks the request, marks the instance `migrating` and runs the switch in the background. */
  async switch(
    instance: InstanceRecord,
    toVersion: string,
    actor: string,
  ): Promise<InstanceRecord> {
    const { store, runtime } = this.deps;
    const template = this.deps.definitions().templates.get(instance.templateId);
    const target = template?.versions.find(v => v.version === toVersion);
    if (!template || !target) {
      throw new NotFoundError(
        `version "${toVersion}" of engine template "${instance.templateId}" does not exist`,
      );
    }
    if (target.status === 'retired') {
      throw new InputError(
        `version "${toVersion}" of "${template.id}" is retired; choose an active version`,
      );
    }
    if (instance.version === toVersion) {
      throw new InputError(
        `instance ${instance.id} is on version ${toVersion} already`,
      );
    }
    if (runtime.volumesBoundToVersion) {
      throw new InputError(
        `the ${runtime.id} runtime keeps each volume with its engine version, so versions cannot be switched`,
      );
    }
    if (instance.state !== 'released') {
      throw new ConflictError(
        `instance ${instance.id} is ${instance.state}; release it before switching its version`,
      );
    }
    const volume = await store.getVolume(instance.volumeId);
    if (!volume || volume.deletedAt)
      throw new ConflictError(
        `instance ${instance.id} has no data volume to migrate`,
      );
    const plan = migrationPlan(template, target, volume.dataLayout);
    if (plan.length > 0 && !canMigrate(runtime)) {
      throw new InputError(
        `the ${runtime.id} runtime cannot migrate volumes, so the data layout cannot change`,
      );
    }
    if (plan.length > 0 && canMigrate(runtime) && !runtime.volumeBackups)
      undoPlan(template, plan, runtime.id);
    const migrating = await store.transition(instance, {
      state: 'migrating',
      failureReason: null,
      message: `switching to version ${toVersion}: ${describe(
        plan,
        volume.dataLayout,
      )}`,
    });
    if (!migrating)
      throw new ConflictError(
        `instance ${instance.id} changed meanwhile; try again`,
      );
    await this.deps.switches.begin({
      instanceId: instance.id,
      fromVersion: instance.version,
      toVersion,
      fromLayout: volume.dataLayout,
      toLayout: target.dataLayout,
    });
    await this.deps.audit.record({
      actor,
      action: 'switch-version',
      instanceId: instance.id,
      outcome: 'started',
      detail: `${instance.version} → ${toVersion}`,
    });
    // Runs on after the answer; a backend that dies meanwhile is undone by `recover`.
    void this.run(migrating, target, plan, {
      id: volume.id,
      runtimeRef: volume.runtimeRef,
    });
    return migrating;
  }

  /** Undoes switches whose backend died: the backup goes back (or the steps are reversed), the instance stays on its version. */
  async recover(): Promise<void> {
    const { store, switches, logger } = this.deps;
    for (const stale of await switches.stale(
      new Date(this.deps.clock.now().getTime() - this.deps.staleAfterMs),
    )) {
      const instance = await store.get(stale.instanceId);
      if (instance?.state === 'migrating') {
        const volume = await store.getVolume(instance.volumeId);
        let undone = 'the data was restored';
        try {
          if (volume && canMigrate(this.deps.runtime))
            await this.undo(stale, instance, {
              id: volume.id,
              runtimeRef: volume.runtimeRef,
            });
        } catch (error) {
          undone = `undoing its migrations failed: ${(error as Error).message}`;
        }
        const restored = undone === 'the data was restored';
        if (restored)
          await store.setVolumeLayout(instance.volumeId, stale.fromLayout);
        await store.transition(instance, {
          state: restored ? 'released' : 'failed',
          version: stale.fromVersion,
          failureReason: `the switch to version ${stale.toVersion} was interrupted; ${undone}`,
          message: `the switch to version ${
            stale.toVersion
          } was interrupted (the backend stopped); ${undone}${
            restored ? ` and the instance stays on ${stale.fromVersion}` : ''
          }`,
        });
        logger.warn(
          `Undid the interrupted switch of instance ${instance.id} to ${stale.toVersion}: ${undone}`,
        );
      }
      await switches.end(stale.instanceId);
    }
  }

  /** Puts an interrupted switch's volume back: from its backup, or by reversing the steps that began. */
  private async undo(
    stale: VersionSwitchRecord,
    instance: InstanceRecord,
    volume: RuntimeVolume,
  ) {
    const runtime = this.deps.runtime as EngineRuntime & VolumeMigrator;
    if (stale.backupRef) {
      await runtime.restoreVolume(volume, stale.backupRef);
      return;
    }
    if (stale.stepsStarted === 0) return;
    const template = this.deps.definitions().templates.get(instance.templateId);
    const target = template?.versions.find(v => v.version === stale.toVersion);
    const source = template?.versions.find(
      v => v.version === stale.fromVersion,
    );
    if (!template || !target || !source)
      throw new Error(
        `version ${stale.toVersion} or ${stale.fromVersion} is no longer defined`,
      );
    await this.reverse(
      template,
      migrationPlan(template, target, stale.fromLayout).slice(
        0,
        stale.stepsStarted,
      ),
      volume,
      source,
    );
  }

  /** Runs the reverses of the steps begun, last first, with the version switched from. */
  private async reverse(
    template: EngineTemplate,
    begun: Migration[],
    volume: RuntimeVolume,
    source: EngineVersion,
  ) {
    const runtime = this.deps.runtime as EngineRuntime & VolumeMigrator;
    for (const step of undoPlan(template, begun, runtime.id))
      await runtime.runMigration(volume, step, source);
  }

  private async run(
    instance: InstanceRecord,
    target: EngineVersion,
    plan: Migration[],
    volume: RuntimeVolume,
  ) {
    const { store, switches, logger } = this.deps;
    const heartbeat = setInterval(() => {
      switches
        .heartbeat(instance.id)
        .catch(error =>
          logger.warn(`Version switch heartbeat failed: ${error}`),
        );
    }, heartbeatMs(this.deps.staleAfterMs));
    const runtime = this.deps.runtime as EngineRuntime & VolumeMigrator;
    let backupRef: string | undefined;
    let begun = 0;
    try {
      if (plan.length > 0) {
        if (runtime.volumeBackups) {
          backupRef = await runtime.backupVolume(volume);
          await switches.backedUp(instance.id, backupRef);
        }
        for (const step of plan) {
          await switches.stepStarted(instance.id, ++begun);
          await runtime.runMigration(volume, step, target);
        }
        await store.setVolumeLayout(volume.id, target.dataLayout);
      }
      await store.transition(instance, {
        state: 'released',
        version: target.version,
        message: `switched to version ${target.version}${
          plan.length ? `; data migrated to layout ${target.dataLayout}` : ''
        }`,
      });
      await switches.end(instance.id);
      if (backupRef) await runtime.dropBackup(backupRef);
    } catch (error) {
      const reason = (error as Error).message;
      logger.warn(
        `Switching instance ${instance.id} to ${target.version} failed: ${reason}`,
      );
      const undone = await this.putBack(
        instance,
        volume,
        plan.slice(0, begun),
        backupRef,
      );
      await store.transition(instance, {
        state: undone ? 'released' : 'failed',
        failureReason: `switching to version ${
          target.version
        } failed: ${reason}; ${
          undone ??
          'undoing its migrations failed too, so the data may be half migrated'
        }`,
        message: `switching to version ${target.version} failed: ${reason}; ${
          undone
            ? `${undone} and the instance stays on ${instance.version}`
            : 'undoing its migrations failed too'
        }`,
      });
      await switches.end(instance.id);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** After a failed switch: the backup goes back, or the begun steps are reversed. What was done, or undefined if that failed. */
  private async putBack(
    instance: InstanceRecord,
    volume: RuntimeVolume,
    begun: Migration[],
    backupRef: string | undefined,
  ) {
    const runtime = this.deps.runtime as EngineRuntime & VolumeMigrator;
    try {
      if (backupRef) {
        await runtime.restoreVolume(volume, backupRef);
        return 'the data was restored';
      }
      if (begun.length === 0) return 'the data was not touched';
      const template = this.deps
        .definitions()
        .templates.get(instance.templateId)!;
      await this.reverse(
        template,
        begun,
        volume,
        template.versions.find(v => v.version === instance.version)!,
      );
      return 'its migrations were reversed';
    } catch (error) {
      this.deps.logger.error(
        `Could not undo the failed switch of instance ${instance.id}: ${error}`,
      );
      return undefined;
    }
  }
}

function describe(plan: Migration[], fromLayout: number): string {
  if (plan.length === 0) return 'same data layout, nothing to migrate';
  return `backing up, then migrating data layout ${[
    fromLayout,
    ...plan.map(m => m.toLayout),
  ].join(' → ')}`;
}
