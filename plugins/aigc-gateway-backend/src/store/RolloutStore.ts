import { Knex } from 'knex';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import {
  RolloutState,
  RolloutTargetStatus,
  RolloutTargetView,
  RolloutView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { toDate } from './time';

/** A rollout as stored: the API's view without its derived parts, with dates. */
export interface RolloutRecord
  extends Omit<RolloutView, 'createdAt' | 'updatedAt' | 'counts' | 'targets'> {
  /** The canaries all switched, or an admin resumed after one failed: everyone may switch. */
  canaryCleared: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** One instance of a rollout as stored; `goal` names the end (`to`, or `from` while rolling back). */
export interface RolloutTargetRecord
  extends Omit<RolloutTargetView, 'goal' | 'updatedAt'> {
  rolloutId: string;
  position: number;
  goal: 'to' | 'from';
  updatedAt: Date;
}

/** States in which a rollout still has work: the runner advances these. */
export const activeRolloutStates: readonly RolloutState[] = [
  'running',
  'paused',
  'aborting',
  'rolling-back',
];

/** Target statuses with a switch still to start or to end. */
export const openTargetStatuses: readonly RolloutTargetStatus[] = [
  'pending',
  'waiting',
  'claimed',
  'switching',
];

type TargetPatch = Partial<
  Pick<RolloutTargetRecord, 'status' | 'goal' | 'attempts' | 'detail'>
>;

/**
 * Rollouts and their targets. Changes are conditional on the state they
 * start from, so replicas that advance the same rollout never both act.
 */
export class RolloutStore {
  constructor(
    private readonly db: Knex,
    private readonly clock: GatewayClock,
  ) {}

  async create(
    rollout: Omit<RolloutRecord, 'createdAt' | 'updatedAt'>,
    targets: Array<
      Pick<RolloutTargetRecord, 'instanceId' | 'ownerRef' | 'name' | 'canary'>
    >,
  ) {
    const now = this.clock.now();
    await this.db.transaction(async tx => {
      await tx('rollouts').insert({
        id: rollout.id,
        template_id: rollout.templateId,
        from_version: rollout.from,
        to_version: rollout.to,
        state: rollout.state,
        canary_percent: rollout.canaryPercent,
        concurrency: rollout.concurrency,
        force: rollout.force,
        canary_cleared: rollout.canaryCleared,
        message: rollout.message ?? null,
        created_by: rollout.createdBy,
        created_at: now,
        updated_at: now,
      });
      if (targets.length === 0) return;
      await tx.batchInsert(
        'rollout_targets',
        targets.map((t, position) => ({
          rollout_id: rollout.id,
          instance_id: t.instanceId,
          owner_ref: t.ownerRef,
          name: t.name,
          position,
          canary: t.canary,
          goal: 'to',
          status: 'pending',
          attempts: 0,
          updated_at: now,
        })),
        200,
      );
    });
  }

  async get(id: string): Promise<RolloutRecord | undefined> {
    const row = await this.db('rollouts').where({ id }).first();
    return row && toRollout(row);
  }

  /** Newest first. */
  async list(filter: { templateId?: string } = {}): Promise<RolloutRecord[]> {
    const query = this.db('rollouts').orderBy('created_at', 'desc').limit(50);
    if (filter.templateId) query.where({ template_id: filter.templateId });
    return (await query).map(toRollout);
  }

  async active(filter: { templateId?: string } = {}): Promise<RolloutRecord[]> {
    const query = this.db('rollouts')
      .whereIn('state', activeRolloutStates)
      .orderBy('created_at');
    if (filter.templateId) query.where({ template_id: filter.templateId });
    return (await query).map(toRollout);
  }

  /** Those under way, and those changed since `since`. */
  async activeOrChangedSince(since: Date): Promise<RolloutRecord[]> {
    return (
      await this.db('rollouts')
        .whereIn('state', activeRolloutStates)
        .orWhere('updated_at', '>=', since)
        .orderBy('created_at')
    ).map(toRollout);
  }

  async targets(rolloutIds: string[]): Promise<RolloutTargetRecord[]> {
    if (rolloutIds.length === 0) return [];
    return (
      await this.db('rollout_targets')
        .whereIn('rollout_id', rolloutIds)
        .orderBy('position')
    ).map(toTarget);
  }

  /** Moves the rollout to `state` if it is in one of `from`; false when it was not. */
  async setState(
    id: string,
    from: readonly RolloutState[],
    state: RolloutState,
    message: string | null = null,
  ): Promise<boolean> {
    const n = await this.db('rollouts')
      .where({ id })
      .whereIn('state', from)
      .update({ state, message, updated_at: this.clock.now() });
    return n === 1;
  }

  async clearCanary(id: string): Promise<void> {
    await this.db('rollouts').where({ id }).update({ canary_cleared: true });
  }

  /** Updates a target if its status is one of `from`; false when it was not. */
  async updateTarget(
    rolloutId: string,
    instanceId: string,
    from: readonly RolloutTargetStatus[],
    patch: TargetPatch,
  ): Promise<boolean> {
    const n = await this.db('rollout_targets')
      .where({ rollout_id: rolloutId, instance_id: instanceId })
      .whereIn('status', from)
      .update({ ...toTargetRow(patch), updated_at: this.clock.now() });
    return n === 1;
  }

  /** Updates every target of the rollout in one of `from` with the given goal. */
  async updateTargets(
    rolloutId: string,
    where: { goal: 'to' | 'from'; from: readonly RolloutTargetStatus[] },
    patch: TargetPatch,
  ): Promise<void> {
    await this.db('rollout_targets')
      .where({ rollout_id: rolloutId, goal: where.goal })
      .whereIn('status', where.from)
      .update({ ...toTargetRow(patch), updated_at: this.clock.now() });
  }

  /**
   * Takes a target for a switch when the rollout has a free slot: the
   * rollout row is locked meanwhile, so replicas together never exceed its
   * concurrency and never take one target twice.
   */
  async claim(rollout: RolloutRecord, instanceId: string): Promise<boolean> {
    return this.db.transaction(async tx => {
      const read = tx('rollouts').where({ id: rollout.id }).first();
      // SQLite runs one write transaction at a time; PostgreSQL needs the row lock.
      const locked = await (this.db.client.config.client === 'pg'
        ? read.forUpdate()
        : read);
      if (!locked || !['running', 'rolling-back'].includes(locked.state))
        return false;
      const [{ n }] = await tx('rollout_targets')
        .count({ n: '*' })
        .where({ rollout_id: rollout.id })
        .whereIn('status', ['claimed', 'switching']);
      if (Number(n) >= rollout.concurrency) return false;
      const taken = await tx('rollout_targets')
        .where({ rollout_id: rollout.id, instance_id: instanceId })
        .whereIn('status', ['pending', 'waiting'])
        .update({
          status: 'claimed',
          attempts: tx.raw('attempts + 1'),
          updated_at: this.clock.now(),
        });
      return taken === 1;
    });
  }
}

function toTargetRow(patch: TargetPatch) {
  return {
    ...(patch.status ? { status: patch.status } : {}),
    ...(patch.goal ? { goal: patch.goal } : {}),
    ...(patch.attempts !== undefined ? { attempts: patch.attempts } : {}),
    ...(patch.detail !== undefined ? { detail: patch.detail } : {}),
  };
}

function toRollout(row: any): RolloutRecord {
  return {
    id: row.id,
    templateId: row.template_id,
    from: row.from_version,
    to: row.to_version,
    state: row.state,
    canaryPercent: Number(row.canary_percent),
    concurrency: Number(row.concurrency),
    force: Boolean(row.force),
    canaryCleared: Boolean(row.canary_cleared),
    message: row.message ?? undefined,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function toTarget(row: any): RolloutTargetRecord {
  return {
    rolloutId: row.rollout_id,
    instanceId: row.instance_id,
    ownerRef: row.owner_ref,
    name: row.name,
    position: Number(row.position),
    canary: Boolean(row.canary),
    goal: row.goal,
    status: row.status,
    attempts: Number(row.attempts),
    detail: row.detail ?? undefined,
    updatedAt: toDate(row.updated_at),
  };
}
