import { Knex } from 'knex';
import {
  computeStates,
  InstanceState,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { toDate, toOptionalDate } from './time';

/**
 * An engine instance as the gateway stores it; the resource of instance permission rules.
 *
 * @public
 */
export interface InstanceRecord {
  id: string;
  ownerRef: string;
  ownerGroups: string[];
  templateId: string;
  version: string;
  poolId: string;
  name: string;
  state: InstanceState;
  volumeId: string;
  runtimeId: string;
  failureReason?: string;
  deleteData: boolean;
  queuedAt?: Date;
  lastActivityAt?: Date;
  /** When the owner was last warned that the idle instance will be released. */
  idleWarnedAt?: Date;
  /** Why it last took compute, e.g. `woken on access`; undefined: launched. */
  launchCause?: string;
  /** Jobs the engine completed over all its starts. */
  jobsCompleted: number;
  createdAt: Date;
  updatedAt: Date;
  rowVersion: number;
}

export interface VolumeRecord {
  id: string;
  ownerRef: string;
  templateId: string;
  runtimeId: string;
  runtimeRef: string;
  dataLayout: number;
  createdAt: Date;
  deletedAt?: Date;
}

/** What a usage interval records, copied from the instance and its pool at start. */
export interface IntervalOpening {
  gpuType: string;
  gpuCount: number;
  /** Price of one GPU-hour at the interval's start. */
  pricePerHourAt: (at: Date) => number;
}

/**
 * Starting an instance in a pool with limited room. Room is decided in the
 * transaction that starts it, with the pool locked, so concurrent launches
 * never overfill a pool; without room the instance queues (FIFO) or, when
 * no queued message is given, nothing changes.
 */
export interface Placement {
  poolId: string;
  capacity?: number;
  opening: IntervalOpening;
  /** The head of the queue may start; anyone else waits behind queued instances. */
  isQueueHead?: boolean;
  startMessage: string;
  queuedMessage?: string;
}

/** A conditional state change and what must happen with it, atomically. */
export interface Transition {
  /** Ignored when `place` decides the state. */
  state: InstanceState;
  failureReason?: string | null;
  version?: string;
  poolId?: string;
  queuedAt?: Date | null;
  deleteData?: boolean;
  /** Opens the usage interval: compute is now held. */
  openInterval?: IntervalOpening;
  /** Closes the open usage interval at this time: compute is no longer held. */
  closeInterval?: boolean;
  /** The progress message recorded with the change. */
  message: string;
  /** Start (or queue) the instance, as room allows. */
  place?: Placement;
  /** Counts the change as activity (an engine that just came up is not idle). */
  touch?: boolean;
  /** Why compute is taken, kept for the interval it opens, now or when the queue starts it. */
  cause?: string | null;
}

export class UniqueViolation extends Error {}

type Row = Record<string, any>;

function activeKey(ownerRef: string, templateId: string, name: string) {
  return `${ownerRef}|${templateId}|${name}`;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

function toInstance(row: Row): InstanceRecord {
  return {
    id: row.id,
    ownerRef: row.owner_ref,
    ownerGroups: JSON.parse(row.owner_groups),
    templateId: row.template_id,
    version: row.version,
    poolId: row.pool_id,
    name: row.name,
    state: row.state,
    volumeId: row.volume_id,
    runtimeId: row.runtime_id,
    failureReason: row.failure_reason ?? undefined,
    deleteData: Boolean(row.delete_data),
    queuedAt: toOptionalDate(row.queued_at),
    lastActivityAt: toOptionalDate(row.last_activity_at),
    idleWarnedAt: toOptionalDate(row.idle_warned_at),
    launchCause: row.launch_cause ?? undefined,
    jobsCompleted: Number(row.jobs_completed ?? 0),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    rowVersion: Number(row.row_version),
  };
}

function toEvent(row: Row) {
  return {
    id: Number(row.id),
    state: row.state as InstanceState,
    message: row.message as string,
    at: toDate(row.at),
  };
}

function toVolume(row: Row): VolumeRecord {
  return {
    id: row.id,
    ownerRef: row.owner_ref,
    templateId: row.template_id,
    runtimeId: row.runtime_id,
    runtimeRef: row.runtime_ref,
    dataLayout: Number(row.data_layout),
    createdAt: toDate(row.created_at),
    deletedAt: toOptionalDate(row.deleted_at),
  };
}

/** The advisory lock (PostgreSQL) that admissions of launches take in turn. */
const ADMISSION_LOCK = 0x41494743; // "AIGC"

/**
 * Instances, their volumes and their ledger, in one repository because every
 * state change that starts or stops compute must open or close the usage
 * interval in the same transaction (DESIGN §4, invariants 4 and 5).
 */
export class InstanceStore {
  private readonly changeListeners = new Set<() => void>();
  /** The admissions of this replica, one after the other. */
  private admissions: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Knex,
    private readonly clock: GatewayClock,
  ) {}

  private now(): Date {
    return this.clock.now();
  }

  /** Called after every committed create or transition made through this store. */
  onChange(listener: () => void) {
    this.changeListeners.add(listener);
  }

  private changed() {
    for (const listener of this.changeListeners) listener();
  }

  async get(id: string): Promise<InstanceRecord | undefined> {
    const row = await this.db('instances').where({ id }).first();
    return row && row.state !== 'deleted' ? toInstance(row) : undefined;
  }

  async findActive(
    ownerRef: string,
    templateId: string,
    name: string,
  ): Promise<InstanceRecord | undefined> {
    const row = await this.db('instances')
      .where({ active_key: activeKey(ownerRef, templateId, name) })
      .first();
    return row ? toInstance(row) : undefined;
  }

  async list(filter: { ownerRef?: string } = {}): Promise<InstanceRecord[]> {
    const query = this.db('instances')
      .whereNot('state', 'deleted')
      .orderBy('created_at', 'desc');
    if (filter.ownerRef) query.where('owner_ref', filter.ownerRef);
    return (await query).map(toInstance);
  }

  /** The instances (not deleted) of one version of a template, oldest first. */
  async listOnVersion(
    templateId: string,
    version: string,
  ): Promise<InstanceRecord[]> {
    const rows = await this.db('instances')
      .where({ template_id: templateId, version })
      .whereNotIn('state', ['deleting', 'deleted'])
      .orderBy('created_at');
    return rows.map(toInstance);
  }

  async listInStates(
    states: readonly InstanceState[],
  ): Promise<InstanceRecord[]> {
    return (await this.db('instances').whereIn('state', states)).map(
      toInstance,
    );
  }

  /** Instances per pool in the given states, for capacity. */
  async countByPool(
    states: readonly InstanceState[],
  ): Promise<Map<string, number>> {
    const rows: { pool_id: string; n: number | string }[] = await this.db(
      'instances',
    )
      .select('pool_id')
      .count({ n: '*' })
      .whereIn('state', states)
      .groupBy('pool_id');
    return new Map(rows.map(r => [r.pool_id, Number(r.n)]));
  }

  /** Instances per state and pool, deleted ones left out. */
  async countByStateAndPool(): Promise<
    Array<{ state: InstanceState; poolId: string; count: number }>
  > {
    const rows: {
      state: InstanceState;
      pool_id: string;
      n: number | string;
    }[] = await this.db('instances')
      .select('state', 'pool_id')
      .count({ n: '*' })
      .whereNot('state', 'deleted')
      .groupBy('state', 'pool_id');
    return rows.map(r => ({
      state: r.state,
      poolId: r.pool_id,
      count: Number(r.n),
    }));
  }

  /** Instances that exist (not deleted) per `templateId version`, and how many of them hold compute. */
  async countByVersion(): Promise<
    Map<string, { total: number; holdingCompute: number }>
  > {
    const rows: Array<{
      template_id: string;
      version: string;
      state: InstanceState;
      n: number | string;
    }> = await this.db('instances')
      .select('template_id', 'version', 'state')
      .count({ n: '*' })
      .whereNot('state', 'deleted')
      .groupBy('template_id', 'version', 'state');
    const counts = new Map<string, { total: number; holdingCompute: number }>();
    for (const row of rows) {
      const key = `${row.template_id} ${row.version}`;
      const entry = counts.get(key) ?? { total: 0, holdingCompute: 0 };
      entry.total += Number(row.n);
      if (computeStates.includes(row.state))
        entry.holdingCompute += Number(row.n);
      counts.set(key, entry);
    }
    return counts;
  }

  /** The pools of the instances holding compute for a user, or for the members of a group. */
  /**
   * Runs `fn` while no other launch or relaunch is admitted, on this replica
   * or another: a quota check and the instance it lets in then see each
   * other. PostgreSQL holds a transaction-level advisory lock for the time;
   * SQLite serves one process.
   */
  async admitting<T>(fn: () => Promise<T>): Promise<T> {
    const run = () =>
      this.db.client.config.client === 'pg'
        ? this.db.transaction(async tx => {
            await tx.raw('select pg_advisory_xact_lock(?)', [ADMISSION_LOCK]);
            return fn();
          })
        : fn();
    const result = this.admissions.then(run, run);
    this.admissions = result.catch(() => undefined);
    return result;
  }

  /**
   * The pools of the instances a user or group holds compute in, or waits
   * for it in: the queue starts a queued launch without asking again.
   */
  async computeHeldBy(
    scope: { ownerRef: string } | { groupRef: string },
  ): Promise<string[]> {
    const query = this.db('instances')
      .select('pool_id', 'owner_groups')
      .whereIn('state', [...computeStates, 'queued']);
    if ('ownerRef' in scope) query.where('owner_ref', scope.ownerRef);
    // The LIKE narrows the rows; the JSON check makes it exact.
    else
      query.where(
        'owner_groups',
        'like',
        `%${JSON.stringify(scope.groupRef)}%`,
      );
    const rows: Array<{ pool_id: string; owner_groups: string }> = await query;
    return rows
      .filter(
        r =>
          'ownerRef' in scope ||
          (JSON.parse(r.owner_groups) as string[]).includes(scope.groupRef),
      )
      .map(r => r.pool_id);
  }

  /** 1-based position in its pool's FIFO queue (ties in time go by id). */
  async queuePosition(instance: InstanceRecord): Promise<number | undefined> {
    if (instance.state !== 'queued' || !instance.queuedAt) return undefined;
    const queuedAt = instance.queuedAt;
    const [{ n }] = await this.db('instances')
      .count({ n: '*' })
      .where({ pool_id: instance.poolId, state: 'queued' })
      .where(q =>
        q
          .where('queued_at', '<', queuedAt)
          .orWhere(t =>
            t.where('queued_at', queuedAt).andWhere('id', '<', instance.id),
          ),
      );
    return Number(n) + 1;
  }

  /** The oldest queued instance of a pool. */
  async nextQueued(poolId: string): Promise<InstanceRecord | undefined> {
    const row = await this.db('instances')
      .where({ pool_id: poolId, state: 'queued' })
      .orderBy([
        { column: 'queued_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .first();
    return row ? toInstance(row) : undefined;
  }

  async getVolume(id: string): Promise<VolumeRecord | undefined> {
    const row = await this.db('volumes').where({ id }).first();
    return row ? toVolume(row) : undefined;
  }

  /**
   * Creates an instance and its new volume. Throws UniqueViolation when the
   * owner already has an active instance of this template and name.
   */
  async create(options: {
    instance: Omit<
      InstanceRecord,
      | 'createdAt'
      | 'updatedAt'
      | 'rowVersion'
      | 'lastActivityAt'
      | 'failureReason'
      | 'deleteData'
      | 'state'
      | 'queuedAt'
      | 'jobsCompleted'
    >;
    volume: Omit<VolumeRecord, 'createdAt' | 'deletedAt'>;
    place: Placement & { queuedMessage: string };
  }): Promise<InstanceRecord> {
    const { instance, volume, place } = options;
    const now = this.now();
    try {
      await this.db.transaction(async tx => {
        const start = await this.hasRoom(tx, place);
        await tx('volumes').insert({
          id: volume.id,
          owner_ref: volume.ownerRef,
          template_id: volume.templateId,
          runtime_id: volume.runtimeId,
          runtime_ref: volume.runtimeRef,
          data_layout: volume.dataLayout,
          created_at: now,
        });
        await tx('instances').insert({
          id: instance.id,
          owner_ref: instance.ownerRef,
          owner_groups: JSON.stringify(instance.ownerGroups),
          template_id: instance.templateId,
          version: instance.version,
          pool_id: instance.poolId,
          name: instance.name,
          state: start ? 'starting' : 'queued',
          volume_id: instance.volumeId,
          runtime_id: instance.runtimeId,
          active_key: activeKey(
            instance.ownerRef,
            instance.templateId,
            instance.name,
          ),
          queued_at: start ? null : now,
          created_at: now,
          updated_at: now,
          row_version: 1,
        });
        await tx('instance_events').insert({
          instance_id: instance.id,
          state: start ? 'starting' : 'queued',
          message: start ? place.startMessage : place.queuedMessage,
          at: now,
        });
        if (start) await this.openInterval(tx, instance, place.opening, now);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new UniqueViolation();
      throw error;
    }
    this.changed();
    return (await this.get(instance.id))!;
  }

  /**
   * Moves an instance to a new state if nobody changed it since `expected`
   * was read (row version). Returns the new record, or undefined on a lost race.
   */
  async transition(
    expected: InstanceRecord,
    requested: Transition,
  ): Promise<InstanceRecord | undefined> {
    let change = requested;
    const now = this.now();
    const won = await this.db.transaction(async tx => {
      if (change.place) {
        const room = await this.hasRoom(tx, change.place, expected.id);
        if (!room && !change.place.queuedMessage) return false;
        change = room
          ? {
              ...change,
              state: 'starting',
              queuedAt: null,
              openInterval: change.place.opening,
              message: change.place.startMessage,
            }
          : {
              ...change,
              state: 'queued',
              queuedAt:
                expected.state === 'queued' ? expected.queuedAt ?? now : now,
              message: change.place.queuedMessage!,
            };
      }
      const patch: Row = {
        state: change.state,
        updated_at: now,
        row_version: expected.rowVersion + 1,
      };
      if (change.failureReason !== undefined)
        patch.failure_reason = change.failureReason;
      if (change.version !== undefined) patch.version = change.version;
      if (change.poolId !== undefined) patch.pool_id = change.poolId;
      if (change.queuedAt !== undefined) patch.queued_at = change.queuedAt;
      if (change.deleteData !== undefined)
        patch.delete_data = change.deleteData;
      if (change.cause !== undefined) patch.launch_cause = change.cause;
      if (change.state === 'deleted') patch.active_key = null;
      if (change.touch) {
        patch.last_activity_at = now;
        patch.idle_warned_at = null;
      }
      const updated = await tx('instances')
        .where({ id: expected.id, row_version: expected.rowVersion })
        .update(patch);
      if (updated !== 1) return false;
      await tx('instance_events').insert({
        instance_id: expected.id,
        state: change.state,
        message: change.message,
        at: now,
      });
      if (change.closeInterval) {
        await tx('usage_intervals')
          .where({ instance_id: expected.id })
          .whereNull('ended_at')
          .update({ ended_at: now });
      }
      if (change.openInterval) {
        await this.openInterval(
          tx,
          {
            ...expected,
            version: change.version ?? expected.version,
            poolId: change.poolId ?? expected.poolId,
            launchCause:
              change.cause === undefined
                ? expected.launchCause
                : change.cause ?? undefined,
          },
          change.openInterval,
          now,
        );
      }
      return true;
    });
    if (!won) return undefined;
    this.changed();
    return (
      (await this.get(expected.id)) ?? { ...expected, state: change.state }
    );
  }

  private async hasRoom(
    tx: Knex.Transaction,
    place: Placement,
    selfId = '',
  ): Promise<boolean> {
    if (place.capacity === undefined) return true;
    // Serialise placements per pool. SQLite runs one write transaction at a time anyway.
    if (this.db.client.config.client === 'pg') {
      await tx('pools').where({ id: place.poolId }).forUpdate().first();
    }
    const [{ n }] = await tx('instances')
      .count({ n: '*' })
      .where({ pool_id: place.poolId })
      .whereIn('state', computeStates);
    if (Number(n) >= place.capacity) return false;
    if (place.isQueueHead) return true;
    const waiting = await tx('instances')
      .where({ pool_id: place.poolId, state: 'queued' })
      .whereNot({ id: selfId })
      .first();
    return !waiting;
  }

  async markIdleWarned(instanceId: string, at: Date): Promise<void> {
    await this.db('instances')
      .where({ id: instanceId })
      .update({ idle_warned_at: at });
  }

  /** When each instance holding compute took it: the start of its open usage interval. */
  async computeSince(): Promise<Map<string, Date>> {
    const rows = await this.db('usage_intervals')
      .select('instance_id', 'started_at')
      .whereNull('ended_at');
    return new Map(rows.map(r => [r.instance_id, toDate(r.started_at)]));
  }

  async setVolumeLayout(volumeId: string, dataLayout: number): Promise<void> {
    await this.db('volumes')
      .where({ id: volumeId })
      .update({ data_layout: dataLayout });
  }

  async markVolumeDeleted(volumeId: string): Promise<void> {
    await this.db('volumes')
      .where({ id: volumeId })
      .update({ deleted_at: this.now() });
  }

  /** Records activity at `at`, unless later activity is recorded already (writes arrive out of order). */
  async touch(instanceId: string, at: Date): Promise<void> {
    await this.db('instances')
      .where({ id: instanceId })
      .andWhere(q =>
        q.whereNull('last_activity_at').orWhere('last_activity_at', '<', at),
      )
      .update({ last_activity_at: at });
  }

  async events(instanceId: string, limit = 20) {
    const rows = await this.db('instance_events')
      .where({ instance_id: instanceId })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.reverse().map(toEvent);
  }

  async eventsAfter(instanceId: string, afterId: number) {
    const rows = await this.db('instance_events')
      .where({ instance_id: instanceId })
      .where('id', '>', afterId)
      .orderBy('id', 'asc');
    return rows.map(toEvent);
  }

  private async openInterval(
    tx: Knex.Transaction,
    instance: Pick<
      InstanceRecord,
      | 'id'
      | 'ownerRef'
      | 'ownerGroups'
      | 'templateId'
      | 'version'
      | 'poolId'
      | 'launchCause'
    >,
    opening: IntervalOpening,
    at: Date,
  ) {
    // Never two open intervals: a retried start closes nothing and opens nothing new.
    const open = await tx('usage_intervals')
      .where({ instance_id: instance.id })
      .whereNull('ended_at')
      .first();
    if (open) return;
    const [inserted] = await tx('usage_intervals')
      .insert({
        instance_id: instance.id,
        owner_ref: instance.ownerRef,
        owner_groups: JSON.stringify(instance.ownerGroups),
        template_id: instance.templateId,
        version: instance.version,
        pool_id: instance.poolId,
        gpu_type: opening.gpuType,
        gpu_count: opening.gpuCount,
        price_per_hour: opening.pricePerHourAt(at),
        started_at: at,
        cause: instance.launchCause ?? null,
      })
      .returning('id');
    // One row per group, so a group's usage is found by index.
    const intervalId = typeof inserted === 'object' ? inserted.id : inserted;
    if (instance.ownerGroups.length > 0) {
      await tx('usage_interval_groups').insert(
        instance.ownerGroups.map(group_ref => ({
          interval_id: intervalId,
          group_ref,
        })),
      );
    }
  }
}
