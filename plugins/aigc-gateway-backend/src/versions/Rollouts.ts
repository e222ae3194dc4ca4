import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  RolloutAction,
  RolloutPlanView,
  RolloutState,
  rolloutTargetStatuses,
  RolloutView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { EngineRuntime } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { Definitions } from '../store/DefinitionStore';
import { InstanceStore } from '../store/InstanceStore';
import {
  RolloutRecord,
  RolloutStore,
  RolloutTargetRecord,
} from '../store/RolloutStore';
import { planRollout, RolloutOptions } from './rolloutPlan';
import { RolloutRunner } from './RolloutRunner';
import { AuditTrail } from '../audit/AuditTrail';

/** Which states each admin action may start from, and where it leads. */
const actions: Record<
  RolloutAction,
  { from: RolloutState[]; to: RolloutState }
> = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  abort: { from: ['running', 'paused'], to: 'aborting' },
  rollback: {
    from: ['running', 'paused', 'aborting', 'aborted', 'completed'],
    to: 'rolling-back',
  },
};

/** Rollouts as the API sees them: plan, start, act on, show. The runner does the switching. */
export class Rollouts {
  constructor(
    private readonly deps: {
      rollouts: RolloutStore;
      store: InstanceStore;
      audit: AuditTrail;
      runtime: EngineRuntime;
      definitions: () => Definitions;
      runner: RolloutRunner;
      logger: LoggerService;
    },
  ) {}

  async plan(options: RolloutOptions): Promise<RolloutPlanView> {
    const { items } = await planRollout(this.deps, options);
    const { templateId, from, to, canaryPercent, concurrency, force } = options;
    return {
      dryRun: true,
      templateId,
      from,
      to,
      canaryPercent,
      concurrency,
      force,
      items,
    };
  }

  async start(options: RolloutOptions, actor: string): Promise<RolloutView> {
    const busy = (
      await this.deps.rollouts.active({ templateId: options.templateId })
    )[0];
    if (busy) {
      throw new ConflictError(
        `rollout ${busy.id} (${busy.from} → ${busy.to}) of "${options.templateId}" is ${busy.state}; finish, abort or roll it back first`,
      );
    }
    const { items } = await planRollout(this.deps, options);
    if (items.length === 0) {
      throw new InputError(
        `no instance of "${options.templateId}" is on version ${options.from}; there is nothing to roll out`,
      );
    }
    const id = randomUUID();
    await this.deps.rollouts.create(
      {
        id,
        templateId: options.templateId,
        from: options.from,
        to: options.to,
        state: 'running',
        canaryPercent: options.canaryPercent,
        concurrency: options.concurrency,
        force: options.force,
        canaryCleared: !items.some(i => i.canary),
        createdBy: actor,
      },
      items,
    );
    await this.deps.audit.record({
      actor,
      action: 'rollout',
      outcome: 'started',
      detail: `${id}: ${options.templateId} ${options.from} → ${options.to}`,
    });
    this.kick(id);
    return this.view(id);
  }

  async act(
    id: string,
    action: RolloutAction,
    actor: string,
  ): Promise<RolloutView> {
    const rollout = await this.get(id);
    const { from, to } = actions[action];
    if (
      !from.includes(rollout.state) ||
      !(await this.deps.rollouts.setState(id, from, to))
    ) {
      throw new ConflictError(
        `rollout ${id} is ${rollout.state}; it cannot ${action} now`,
      );
    }
    if (action === 'resume') {
      // Resuming after a failed canary is the admin's word to go on without it.
      await this.deps.rollouts.clearCanary(id);
    }
    await this.deps.audit.record({
      actor,
      action: `rollout-${action}`,
      outcome: 'done',
      detail: id,
    });
    this.kick(id);
    return this.view(id);
  }

  async view(id: string): Promise<RolloutView> {
    const rollout = await this.get(id);
    return toView(rollout, await this.deps.rollouts.targets([id]));
  }

  async list(templateId?: string): Promise<RolloutView[]> {
    const rollouts = await this.deps.rollouts.list({ templateId });
    const targets = await this.deps.rollouts.targets(rollouts.map(r => r.id));
    return rollouts.map(r =>
      toView(
        r,
        targets.filter(t => t.rolloutId === r.id),
      ),
    );
  }

  private async get(id: string): Promise<RolloutRecord> {
    const rollout = await this.deps.rollouts.get(id);
    if (!rollout) throw new NotFoundError(`rollout ${id} does not exist`);
    return rollout;
  }

  /** Advances the rollout now rather than at the next scheduled pass. */
  private kick(id: string) {
    void this.deps.rollouts
      .get(id)
      .then(rollout => rollout && this.deps.runner.advance(rollout))
      .catch(error =>
        this.deps.logger.warn(`Could not advance rollout ${id}: ${error}`),
      );
  }
}

function toView(
  rollout: RolloutRecord,
  targets: RolloutTargetRecord[],
): RolloutView {
  const counts = Object.fromEntries(
    rolloutTargetStatuses.map(s => [s, 0]),
  ) as RolloutView['counts'];
  for (const t of targets) counts[t.status] += 1;
  return {
    id: rollout.id,
    templateId: rollout.templateId,
    from: rollout.from,
    to: rollout.to,
    state: rollout.state,
    canaryPercent: rollout.canaryPercent,
    concurrency: rollout.concurrency,
    force: rollout.force,
    message: rollout.message,
    createdBy: rollout.createdBy,
    createdAt: rollout.createdAt.toISOString(),
    updatedAt: rollout.updatedAt.toISOString(),
    counts,
    targets: targets.map(t => ({
      instanceId: t.instanceId,
      name: t.name,
      ownerRef: t.ownerRef,
      canary: t.canary,
      goal: t.goal === 'to' ? rollout.to : rollout.from,
      status: t.status,
      attempts: t.attempts,
      detail: t.detail,
      updatedAt: t.updatedAt.toISOString(),
    })),
  };
}
