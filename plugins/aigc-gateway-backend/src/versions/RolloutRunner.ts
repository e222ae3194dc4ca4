import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { computeStates } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { InstanceRecord, InstanceStore } from '../store/InstanceStore';
import {
  openTargetStatuses,
  RolloutRecord,
  RolloutStore,
  RolloutTargetRecord,
} from '../store/RolloutStore';
import { VersionSwitcher } from './VersionSwitcher';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** A switch that did not reach its version is tried once more (it may have been cut short by a dying backend). */
const MAX_ATTEMPTS = 2;
/** A target claimed this long ago whose switch never began lost its backend between the two. */
const CLAIM_STALE_MS = 60_000;

/**
 * Advances rollouts, a step each call: records the switches that ended,
 * starts new ones within the rollout's concurrency (canaries first),
 * releases running instances when the rollout forces, and finishes the
 * rollout when no instance is left to move. Everything it knows is in the
 * database, so any replica (or a restarted backend) carries on where the
 * last call stopped; conditional updates keep replicas from acting twice.
 */
export class RolloutRunner {
  constructor(
    private readonly deps: {
      rollouts: RolloutStore;
      store: InstanceStore;
      switcher: Pick<VersionSwitcher, 'switch'>;
      release: (instance: InstanceRecord, why: string) => Promise<unknown>;
      logger: LoggerService;
      clock: GatewayClock;
    },
  ) {}

  async advanceAll(): Promise<void> {
    for (const rollout of await this.deps.rollouts.active()) {
      await this.advance(rollout).catch(error =>
        this.deps.logger.warn(
          `Could not advance rollout ${rollout.id}: ${error}`,
        ),
      );
    }
  }

  async advance(rollout: RolloutRecord): Promise<void> {
    const { rollouts } = this.deps;
    await this.settle(rollout, await rollouts.targets([rollout.id]));
    if (rollout.state === 'rolling-back') {
      await rollouts.updateTargets(
        rollout.id,
        { goal: 'to', from: ['done'] },
        {
          goal: 'from',
          status: 'pending',
          attempts: 0,
          detail: `to be switched back to ${rollout.from}`,
        },
      );
    }
    if (rollout.state === 'rolling-back' || rollout.state === 'aborting') {
      await rollouts.updateTargets(
        rollout.id,
        { goal: 'to', from: ['pending', 'waiting'] },
        {
          status: 'skipped',
          detail: `not reached before the rollout was ${
            rollout.state === 'aborting' ? 'aborted' : 'rolled back'
          }`,
        },
      );
    }
    const targets = await rollouts.targets([rollout.id]);
    if (rollout.state === 'running' || rollout.state === 'rolling-back') {
      const eligible = await this.eligible(rollout, targets);
      if (eligible) await this.start(rollout, eligible, targets);
    }
    await this.finishIfDone(rollout);
  }

  /** Records the outcome of switches that ended, and frees claims whose backend died. */
  private async settle(rollout: RolloutRecord, targets: RolloutTargetRecord[]) {
    const { rollouts, store } = this.deps;
    for (const target of targets) {
      if (
        target.status === 'claimed' &&
        this.deps.clock.now().getTime() - target.updatedAt.getTime() >
          CLAIM_STALE_MS
      ) {
        await rollouts.updateTarget(
          rollout.id,
          target.instanceId,
          ['claimed'],
          {
            status: 'pending',
            detail: 'the backend that took it stopped; trying again',
          },
        );
      }
      if (target.status !== 'switching') continue;
      const instance = await store.get(target.instanceId);
      if (instance?.state === 'migrating') continue;
      const goal = goalVersion(rollout, target);
      if (!instance) {
        await rollouts.updateTarget(
          rollout.id,
          target.instanceId,
          ['switching'],
          { status: 'skipped', detail: 'the instance was deleted' },
        );
      } else if (instance.version === goal) {
        await rollouts.updateTarget(
          rollout.id,
          target.instanceId,
          ['switching'],
          { status: 'done', detail: `on version ${goal}` },
        );
      } else {
        const reason =
          instance.failureReason ?? `still on version ${instance.version}`;
        const again = target.attempts < MAX_ATTEMPTS;
        await rollouts.updateTarget(
          rollout.id,
          target.instanceId,
          ['switching'],
          {
            status: again ? 'pending' : 'failed',
            detail: again ? `${reason}; trying again` : reason,
          },
        );
      }
    }
  }

  /**
   * The targets that may switch now: while the canaries have not all
   * switched, only they; a failed canary pauses the rollout instead.
   */
  private async eligible(
    rollout: RolloutRecord,
    targets: RolloutTargetRecord[],
  ) {
    const waiting = (t: RolloutTargetRecord) =>
      t.status === 'pending' || t.status === 'waiting';
    if (rollout.state === 'running' && !rollout.canaryCleared) {
      const canaries = targets.filter(t => t.canary);
      const failed = canaries.find(t => t.status === 'failed');
      if (failed) {
        await this.deps.rollouts.setState(
          rollout.id,
          ['running'],
          'paused',
          `canary ${failed.name} failed: ${failed.detail}. Resume to go on anyway, or roll back.`,
        );
        return undefined;
      }
      if (canaries.some(t => openTargetStatuses.includes(t.status)))
        return canaries.filter(waiting);
      await this.deps.rollouts.clearCanary(rollout.id);
    }
    return targets.filter(waiting);
  }

  private async start(
    rollout: RolloutRecord,
    targets: RolloutTargetRecord[],
    all: RolloutTargetRecord[],
  ) {
    const { rollouts, store } = this.deps;
    // Free slots as this pass last read them; `claim` re-checks them under the rollout's lock.
    let slots =
      rollout.concurrency -
      all.filter(t => t.status === 'claimed' || t.status === 'switching')
        .length;
    for (const target of targets) {
      const instance = await store.get(target.instanceId);
      const goal = goalVersion(rollout, target);
      const source = target.goal === 'to' ? rollout.from : rollout.to;
      const pendingOrWaiting = ['pending', 'waiting'] as const;
      if (!instance) {
        await rollouts.updateTarget(
          rollout.id,
          target.instanceId,
          pendingOrWaiting,
          { status: 'skipped', detail: 'the instance was deleted' },
        );
      } else if (instance.version === goal && instance.state !== 'migrating') {
        await rollouts.updateTarget(
          rollout.id,
          target.instanceId,
          pendingOrWaiting,
          { status: 'done', detail: `on version ${goal} already` },
        );
      } else if (instance.version !== source) {
        await rollouts.updateTarget(
          rollout.id,
          target.instanceId,
          pendingOrWaiting,
          {
            status: 'skipped',
            detail: `moved to version ${instance.version} meanwhile`,
          },
        );
      } else if (instance.state === 'released') {
        if (slots > 0 && (await rollouts.claim(rollout, target.instanceId))) {
          slots--;
          await this.switch(rollout, target, instance, goal);
        }
      } else if (
        rollout.force &&
        (computeStates.includes(instance.state) || instance.state === 'queued')
      ) {
        await this.deps
          .release(instance, `the rollout to version ${goal} switches it now`)
          .catch(error =>
            this.deps.logger.info(
              `Rollout ${rollout.id} could not release ${instance.id} yet: ${error}`,
            ),
          );
        await rollouts.updateTarget(
          rollout.id,
          target.instanceId,
          ['pending'],
          {
            status: 'waiting',
            detail:
              'released by the rollout; switches once the engine has stopped',
          },
        );
      } else if (target.status === 'pending') {
        await rollouts.updateTarget(
          rollout.id,
          target.instanceId,
          ['pending'],
          {
            status: 'waiting',
            detail: `${instance.state}; switches at its next release`,
          },
        );
      }
    }
  }

  private async switch(
    rollout: RolloutRecord,
    target: RolloutTargetRecord,
    instance: InstanceRecord,
    goal: string,
  ) {
    const { rollouts } = this.deps;
    try {
      await this.deps.switcher.switch(instance, goal, `rollout:${rollout.id}`);
      await rollouts.updateTarget(rollout.id, target.instanceId, ['claimed'], {
        status: 'switching',
        detail: `switching to version ${goal}`,
      });
    } catch (error) {
      // The instance changed between reading and switching it: look again next time.
      const retry = error instanceof ConflictError;
      await rollouts.updateTarget(rollout.id, target.instanceId, ['claimed'], {
        status: retry ? 'pending' : 'failed',
        attempts: retry ? target.attempts : MAX_ATTEMPTS,
        detail: (error as Error).message,
      });
    }
  }

  private async finishIfDone(rollout: RolloutRecord) {
    const targets = await this.deps.rollouts.targets([rollout.id]);
    if (targets.some(t => openTargetStatuses.includes(t.status))) return;
    const count = (status: string) =>
      targets.filter(t => t.status === status).length;
    const summary = `${count('done')} switched, ${count(
      'failed',
    )} failed, ${count('skipped')} skipped`;
    const next = {
      running: 'completed',
      aborting: 'aborted',
      'rolling-back': 'rolled-back',
    } as const;
    if (rollout.state in next) {
      await this.deps.rollouts.setState(
        rollout.id,
        [rollout.state],
        next[rollout.state as keyof typeof next],
        summary,
      );
    }
  }
}

function goalVersion(rollout: RolloutRecord, target: RolloutTargetRecord) {
  return target.goal === 'to' ? rollout.to : rollout.from;
}
