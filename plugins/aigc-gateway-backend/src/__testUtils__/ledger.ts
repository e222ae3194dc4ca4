import { Knex } from 'knex';

/** A usage interval as the lifecycle writes it, with its owner's groups. */
export async function addInterval(
  knex: Knex,
  i: {
    owner?: string;
    groups?: string[];
    template?: string;
    version?: string;
    pool?: string;
    instance?: string;
    gpus?: number;
    price?: number;
    from: string;
    to?: string;
  },
) {
  const pg = knex.client.config.client === 'pg';
  const at = (iso: string) => (pg ? new Date(iso) : new Date(iso).getTime());
  const groups = i.groups ?? ['group:default/creators-a'];
  const [row] = await knex('usage_intervals')
    .insert({
      instance_id: i.instance ?? 'i-1',
      owner_ref: i.owner ?? 'user:default/alice',
      owner_groups: JSON.stringify(groups),
      template_id: i.template ?? 'sd',
      version: i.version ?? '1.0.0',
      pool_id: i.pool ?? 'a100',
      gpu_type: 'A100',
      gpu_count: i.gpus ?? 1,
      price_per_hour: i.price ?? 2,
      started_at: at(i.from),
      ended_at: i.to ? at(i.to) : null,
    })
    .returning('id');
  const id = typeof row === 'object' ? row.id : row;
  for (const group_ref of groups)
    await knex('usage_interval_groups').insert({ interval_id: id, group_ref });
}

/**
 * Spend of an owner earlier in the month of `now` (in UTC, the test gateways' cost time zone):
 * `hours` from the start of that month at `price` per GPU-hour.
 */
export async function addSpendThisMonth(
  knex: Knex,
  now: Date,
  owner: string,
  hours: number,
  price: number,
) {
  const monthStart = new Date(now);
  monthStart.setUTCDate(1);
  monthStart.setUTCHours(0, 0, 0, 0);
  await addInterval(knex, {
    owner,
    groups: [],
    template: 'sample-engine',
    pool: 'local',
    price,
    from: monthStart.toISOString(),
    to: new Date(monthStart.getTime() + hours * 3_600_000).toISOString(),
  });
}
