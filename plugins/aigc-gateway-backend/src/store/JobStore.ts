import { Knex } from 'knex';

/** An engine's completed-job counter as last read. */
export interface CounterReadings {
  /** In the current usage interval; undefined: not read yet. */
  current?: number;
  /** In the instance's latest earlier interval that has one. */
  previous?: number;
}

/**
 * Completed jobs as the gateway learns of them: added to the instance's
 * latest usage interval (a job finishing just after a release belongs to the
 * compute that did it) and to the instance's total.
 */
export class JobStore {
  constructor(private readonly db: Knex) {}

  /**
   * The counter readings of each instance holding compute: the last in its
   * current interval, and the last of its earlier intervals (for engines
   * that keep their count in their data across starts).
   */
  async openReadings(): Promise<Map<string, CounterReadings>> {
    const open = await this.db('usage_intervals')
      .select('instance_id', 'jobs_reading')
      .whereNull('ended_at');
    const earlier = await this.db('usage_intervals')
      .select('instance_id', 'jobs_reading')
      .whereIn(
        'instance_id',
        open.filter(r => r.jobs_reading === null).map(r => r.instance_id),
      )
      .whereNotNull('ended_at')
      .whereNotNull('jobs_reading')
      .orderBy('id', 'desc');
    const previous = new Map<string, number>();
    for (const row of earlier)
      if (!previous.has(row.instance_id))
        previous.set(row.instance_id, Number(row.jobs_reading));
    return new Map(
      open.map(r => [
        r.instance_id,
        {
          current: r.jobs_reading === null ? undefined : Number(r.jobs_reading),
          previous: previous.get(r.instance_id),
        },
      ]),
    );
  }

  /** Adds `count` completed jobs that the gateway saw through its proxy. */
  async add(instanceId: string, count: number) {
    await this.db.transaction(async tx => {
      const latest = await tx('usage_intervals')
        .where({ instance_id: instanceId })
        .orderBy('id', 'desc')
        .first('id');
      if (!latest) return;
      await tx('usage_intervals')
        .where({ id: latest.id })
        .update({ jobs_completed: tx.raw('jobs_completed + ?', [count]) });
      await tx('instances')
        .where({ id: instanceId })
        .update({ jobs_completed: tx.raw('jobs_completed + ?', [count]) });
    });
  }

  /**
   * Records a new reading of the engine's counter in the instance's open
   * interval with the jobs it adds, unless another reading got there first
   * (the interval's reading is no longer `expected`): each job counts once.
   * Whether this reading was the one recorded.
   */
  async advance(
    instanceId: string,
    expected: number | undefined,
    reading: number,
    count: number,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const updated = await tx('usage_intervals')
        .where({ instance_id: instanceId })
        .whereNull('ended_at')
        .andWhere(q =>
          expected === undefined
            ? q.whereNull('jobs_reading')
            : q.where('jobs_reading', expected),
        )
        .update({
          jobs_reading: reading,
          jobs_completed: tx.raw('jobs_completed + ?', [count]),
        });
      if (updated === 1 && count > 0)
        await tx('instances')
          .where({ id: instanceId })
          .update({ jobs_completed: tx.raw('jobs_completed + ?', [count]) });
      return updated === 1;
    });
  }
}
