import { Knex } from 'knex';
import {
  CostDimension,
  CostFigures,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { toDate } from '../store/time';

/** Which usage a report covers; every field narrows it. */
export interface CostScope {
  ownerRef?: string;
  groupRef?: string;
  templateId?: string;
  version?: string;
  poolId?: string;
  instanceId?: string;
}

export interface Range {
  from: Date;
  to: Date;
}

/** One usage interval with the part of it inside a range, for the CSV export. */
export interface CountedInterval {
  id: number;
  instanceId: string;
  ownerRef: string;
  ownerGroups: string[];
  templateId: string;
  version: string;
  poolId: string;
  gpuType: string;
  gpuCount: number;
  pricePerHour: number;
  startedAt: Date;
  endedAt?: Date;
  /** Why the compute was taken: `launched`, or `woken on access`. */
  cause: string;
  seconds: number;
  cost: number;
}

/** Sums over pieces `s` (seconds), `gpus` and `price` (per GPU-hour). */
const FIGURES = [
  'coalesce(sum(s / 3600.0 * gpus * price), 0) as cost',
  'coalesce(sum(s / 3600.0), 0) as hours',
  'coalesce(sum(s / 3600.0 * gpus), 0) as gpu_hours',
].join(', ');

const keyOf: Record<Exclude<CostDimension, 'group'>, string> = {
  user: 'u.owner_ref',
  template: 'u.template_id',
  version: "u.template_id || '@' || u.version",
  pool: 'u.pool_id',
  instance: 'u.instance_id',
};

/**
 * Cost reports over the usage ledger, aggregated by the database. A second
 * of an interval counts when it lies in the range; an open interval counts
 * up to `now`. Cost = seconds / 3600 × GPUs held × price per GPU-hour at the
 * interval's start.
 */
export class CostLedger {
  private readonly pg: boolean;

  constructor(private readonly db: Knex) {
    this.pg = db.client.config.client === 'pg';
  }

  async summary(
    range: Range,
    scope: CostScope,
    groupBy: CostDimension,
    now: Date,
  ) {
    const seconds = this.overlapSeconds(
      this.literal(range.from),
      this.literal(range.to),
      now,
    );
    // By group, the database sums per set of groups (the owner's at launch);
    // the few sets are then split into their groups below.
    const key = groupBy === 'group' ? 'u.owner_groups' : keyOf[groupBy];
    const pieces = this.pieces(range, scope, now, q =>
      q.select(
        this.db.raw(
          `${key} as key, ${seconds} as s, u.gpu_count as gpus, u.price_per_hour as price`,
        ),
      ),
    );
    const rows = await this.db
      .from(pieces)
      .select(this.db.raw(`key, ${FIGURES}`))
      .groupBy('key');
    const sums = rows.map(r => ({ key: String(r.key), ...toFigures(r) }));
    // Every interval has exactly one key, so the rows add up to the total.
    const total = sum(sums);
    const items = groupBy === 'group' ? byGroup(sums) : sums;
    return { total, items: items.sort((x, y) => y.cost - x.cost) };
  }

  /** Figures per day; `days` are [from, to) pieces in the cost time zone, in order. */
  async daily(
    days: Array<{ day: string; from: Date; to: Date }>,
    scope: CostScope,
    now: Date,
  ) {
    if (days.length === 0) return [];
    const range = { from: days[0].from, to: days[days.length - 1].to };
    const values = days
      .map(d => `('${d.day}', ${this.literal(d.from)}, ${this.literal(d.to)})`)
      .join(', ');
    const seconds = this.overlapSeconds('d.day_from', 'd.day_to', now);
    const pieces = this.pieces(range, scope, now, q =>
      q
        .join('days as d', join =>
          join
            .on('u.started_at', '<', 'd.day_to')
            .andOn(
              this.db.raw(
                `coalesce(u.ended_at, ${this.literal(now)}) > d.day_from`,
              ),
            ),
        )
        .select(
          this.db.raw(
            `d.day as key, ${seconds} as s, u.gpu_count as gpus, u.price_per_hour as price`,
          ),
        ),
    );
    const rows = await this.db
      .with(
        'days',
        ['day', 'day_from', 'day_to'],
        this.db.raw(`values ${values}`),
      )
      .from(pieces)
      .select(this.db.raw(`key, ${FIGURES}`))
      .groupBy('key');
    const byDay = new Map(rows.map(r => [String(r.key), toFigures(r)]));
    return days.map(d => ({
      day: d.day,
      ...(byDay.get(d.day) ?? { cost: 0, hours: 0, gpuHours: 0 }),
    }));
  }

  /** The intervals touching the range in ledger order, read in pages for the export. */
  async *intervals(
    range: Range,
    scope: CostScope,
    now: Date,
    pageSize = 1000,
  ): AsyncGenerator<CountedInterval> {
    for (let after = 0; ; ) {
      const pieces = this.pieces(range, scope, now, q =>
        q.select('u.*').where('u.id', '>', after),
      );
      const rows = await this.db
        .from(pieces)
        .select('*')
        .orderBy('id')
        .limit(pageSize);
      for (const row of rows) yield this.counted(row, range, now);
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1].id);
    }
  }

  private counted(row: any, range: Range, now: Date): CountedInterval {
    const startedAt = toDate(row.started_at);
    const endedAt = row.ended_at === null ? undefined : toDate(row.ended_at);
    const from = Math.max(startedAt.getTime(), range.from.getTime());
    const to = Math.min((endedAt ?? now).getTime(), range.to.getTime());
    const seconds = Math.max(0, to - from) / 1000;
    return {
      id: Number(row.id),
      instanceId: row.instance_id,
      ownerRef: row.owner_ref,
      ownerGroups: JSON.parse(row.owner_groups),
      templateId: row.template_id,
      version: row.version,
      poolId: row.pool_id,
      gpuType: row.gpu_type,
      gpuCount: Number(row.gpu_count),
      pricePerHour: Number(row.price_per_hour),
      startedAt,
      endedAt,
      cause: row.cause ?? 'launched',
      seconds,
      cost:
        (seconds / 3600) * Number(row.gpu_count) * Number(row.price_per_hour),
    };
  }

  /**
   * The intervals that overlap the range and fall in the scope, shaped by
   * `build`, as a subquery `p`. Closed and open intervals are read apart and
   * joined with UNION ALL, so each part is a range scan of the `ended_at`
   * index (an OR of both made SQLite scan far more of the table).
   */
  private pieces(
    range: Range,
    scope: CostScope,
    now: Date,
    build: (q: Knex.QueryBuilder) => void,
  ) {
    const part = (open: boolean) => {
      const q = this.db('usage_intervals as u').where(
        'u.started_at',
        '<',
        this.bind(range.to < now ? range.to : now),
      );
      if (open) q.whereNull('u.ended_at');
      else q.where('u.ended_at', '>', this.bind(range.from));
      if (scope.ownerRef) q.where('u.owner_ref', scope.ownerRef);
      if (scope.templateId) q.where('u.template_id', scope.templateId);
      if (scope.version) q.where('u.version', scope.version);
      if (scope.poolId) q.where('u.pool_id', scope.poolId);
      if (scope.instanceId) q.where('u.instance_id', scope.instanceId);
      if (scope.groupRef) {
        q.whereIn(
          'u.id',
          this.db('usage_interval_groups')
            .select('interval_id')
            .where('group_ref', scope.groupRef),
        );
      }
      build(q);
      return q;
    };
    // SQLite refuses parentheses around the parts of a compound select.
    return this.db.unionAll([part(false), part(true)], false).as('p');
  }

  /** Seconds of an interval inside [lower, upper), both SQL expressions. */
  private overlapSeconds(lower: string, upper: string, now: Date) {
    const end = `coalesce(u.ended_at, ${this.literal(now)})`;
    return this.pg
      ? `greatest(0, date_part('epoch', least(${end}, ${upper}) - greatest(u.started_at, ${lower})))`
      : `max(0, min(${end}, ${upper}) - max(u.started_at, ${lower})) / 1000.0`;
  }

  /** Timestamps are timestamptz on PostgreSQL and epoch milliseconds on SQLite. */
  private bind(date: Date): Date | number {
    return this.pg ? date : date.getTime();
  }

  /** A timestamp as SQL; from a Date, never from request text. */
  private literal(date: Date) {
    return this.pg
      ? `'${date.toISOString()}'::timestamptz`
      : String(date.getTime());
  }
}

/** Figures per group from figures per set of groups (a JSON array each); an interval counts for each of its groups. */
function byGroup(
  sets: Array<CostFigures & { key: string }>,
): Array<CostFigures & { key: string }> {
  const groups = new Map<string, CostFigures>();
  for (const set of sets) {
    for (const group of JSON.parse(set.key) as string[]) {
      groups.set(
        group,
        sum([groups.get(group) ?? { cost: 0, hours: 0, gpuHours: 0 }, set]),
      );
    }
  }
  return [...groups].map(([key, figures]) => ({ key, ...figures }));
}

function sum(items: CostFigures[]): CostFigures {
  return items.reduce(
    (total, i) => ({
      cost: total.cost + i.cost,
      hours: total.hours + i.hours,
      gpuHours: total.gpuHours + i.gpuHours,
    }),
    { cost: 0, hours: 0, gpuHours: 0 },
  );
}

function toFigures(row: any): CostFigures {
  return {
    cost: Number(row?.cost ?? 0),
    hours: Number(row?.hours ?? 0),
    gpuHours: Number(row?.gpu_hours ?? 0),
  };
}
