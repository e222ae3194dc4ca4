/**
 * Cost reports over 1,000,000 usage intervals (a year of 5,000 users in 50
 * groups), on SQLite and, when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
 * is set, PostgreSQL: p50/p95 of a month's summary and of a group's daily
 * series for a month, next to a count of every interval (the anchor).
 *
 *   yarn bench:cost            (prints the figures; not run in CI)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import { migrateDatabase } from '../../plugins/aigc-gateway-backend/src/store/migrate';
import { CostLedger } from '../../plugins/aigc-gateway-backend/src/cost/CostLedger';
import { CostCalendar } from '../../plugins/aigc-gateway-backend/src/cost/calendar';

const INTERVALS = Number(process.env.BENCH_INTERVALS ?? 1_000_000);
const SAMPLES = 30;
const YEAR_START_MS = Date.parse('2026-01-01T00:00:00Z');
const percentile = (values: number[], p: number) =>
  [...values].sort((x, y) => x - y)[
    Math.min(values.length - 1, Math.floor((p / 100) * values.length))
  ];

/**
 * Fills the ledger in SQL, the same rows on both databases: interval i
 * starts i × 31.536 s into 2026 and lasts 10 min to 8 h; one in 100,000 is
 * still open; a third of the users are in a second group.
 */
async function seed(knex: Knex) {
  const pg = knex.client.config.client === 'pg';
  const series = pg
    ? `select generate_series(1::bigint, ${INTERVALS}) as i`
    : `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${INTERVALS}) select i from n`;
  const start = pg
    ? `timestamptz '2026-01-01T00:00:00Z' + (i * 31.536) * interval '1 second'`
    : `${YEAR_START_MS} + i * 31536`;
  const end = pg
    ? `timestamptz '2026-01-01T00:00:00Z' + (i * 31.536 + 600 + (i * 7919) % 28200) * interval '1 second'`
    : `${YEAR_START_MS} + i * 31536 + (600 + (i * 7919) % 28200) * 1000`;
  const text = (expr: string) =>
    pg ? `(${expr})::text` : `cast(${expr} as text)`;
  await knex.raw(`
    insert into usage_intervals (instance_id, owner_ref, owner_groups, template_id, version, pool_id, gpu_type, gpu_count, price_per_hour, started_at, ended_at)
    select 'inst-' || ${text('i % 20000')}, 'user:default/u' || ${text(
    '(i * 7) % 5000',
  )}, '[]',
      't' || ${text('i % 3')}, '1.' || ${text('i % 2')}, 'p' || ${text(
    'i % 4',
  )}, 'A100',
      case when i % 4 = 3 then 0.25 else 1 end, 1 + i % 4,
      ${start}, case when i % 100000 = 0 then null else ${end} end
    from (${series}) s`);
  const userNumber = pg
    ? `substring(owner_ref from 15)::int`
    : `cast(substr(owner_ref, 15) as integer)`;
  await knex.raw(`
    insert into usage_interval_groups (interval_id, group_ref)
    select id, 'group:default/g' || ${text(
      `${userNumber} % 50`,
    )} from usage_intervals`);
  await knex.raw(`
    insert into usage_interval_groups (interval_id, group_ref)
    select id, 'group:default/g' || ${text(
      `(${userNumber} + 17) % 50`,
    )} from usage_intervals where ${userNumber} % 3 = 0`);
  await knex.raw('analyze');
}

async function measure(name: string, knex: Knex) {
  await migrateDatabase(knex);
  const t0 = performance.now();
  await seed(knex);
  const groups = (await knex('usage_interval_groups')
    .count({ n: '*' })
    .first())!.n;
  console.log(
    `${name}: ${INTERVALS} intervals and ${groups} group rows loaded in ${(
      (performance.now() - t0) /
      1000
    ).toFixed(1)} s`,
  );

  const ledger = new CostLedger(knex);
  const calendar = new CostCalendar('Europe/Berlin');
  const month = {
    from: calendar.parse('2026-11-01'),
    to: calendar.parse('2026-12-01'),
  };
  const now = new Date('2026-12-31T00:00:00Z');
  const time = async (fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  const runs: Array<[string, () => Promise<unknown>]> = [
    [
      'count of all intervals (anchor)',
      () => knex('usage_intervals').count({ n: '*' }),
    ],
    [
      'month summary by template',
      () => ledger.summary(month, {}, 'template', now),
    ],
    ['month summary by user', () => ledger.summary(month, {}, 'user', now)],
    ['month summary by group', () => ledger.summary(month, {}, 'group', now)],
    [
      'group daily series, month',
      () =>
        ledger.daily(
          calendar.days(month.from, month.to),
          { groupRef: 'group:default/g7' },
          now,
        ),
    ],
    [
      'user month summary',
      () =>
        ledger.summary(
          month,
          { ownerRef: 'user:default/u42' },
          'template',
          now,
        ),
    ],
  ];
  const p95: Record<string, number> = {};
  for (const [what, fn] of runs) {
    await fn(); // warm the cache
    const values = [];
    for (let n = 0; n < SAMPLES; n++) values.push(await time(fn));
    p95[what] = percentile(values, 95);
    console.log(
      `${name.padEnd(10)} ${what.padEnd(32)} p50 ${percentile(values, 50)
        .toFixed(1)
        .padStart(7)} ms  p95 ${p95[what].toFixed(1).padStart(7)} ms` +
        `  (${(p95[what] / p95['count of all intervals (anchor)']).toFixed(
          2,
        )}× the anchor)`,
    );
  }
}

async function main() {
  console.log(
    `${INTERVALS} usage intervals; ${SAMPLES} samples each; target p95 < 200 ms on PostgreSQL`,
  );
  // BENCH_DATABASES=postgres measures PostgreSQL only; BENCH_KEEP=1 keeps its database for EXPLAIN.
  const only = process.env.BENCH_DATABASES;
  if (only !== 'postgres') {
    const dir = mkdtempSync(join(tmpdir(), 'aigc-bench-cost-'));
    const sqlite = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'cost.sqlite') },
      useNullAsDefault: true,
    });
    await measure('SQLite', sqlite);
    await sqlite.destroy();
    rmSync(dir, { recursive: true });
  }
  const pgUrl =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (pgUrl && only !== 'sqlite') {
    const admin = knexFactory({ client: 'pg', connection: pgUrl });
    const database = `aigc_bench_cost_${Date.now()}`;
    await admin.raw(`create database ${database}`);
    const pg = knexFactory({
      client: 'pg',
      connection: `${pgUrl.replace(/\/$/, '')}/${database}`,
    });
    try {
      await measure('PostgreSQL', pg);
    } finally {
      await pg.destroy();
      if (process.env.BENCH_KEEP) console.log(`kept database ${database}`);
      else await admin.raw(`drop database ${database}`);
      await admin.destroy();
    }
  } else if (only !== 'sqlite') {
    console.log(
      'PostgreSQL skipped: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
