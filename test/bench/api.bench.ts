/**
 * API latency with 10,000 instances in the database, on SQLite and (when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set) PostgreSQL:
 * p50/p95 of list, get and launch, next to a health request through the same
 * backend stack as the anchor.
 *
 *   yarn bench:api            (prints the figures; not run in CI)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import {
  asUser,
  sampleGatewayConfig,
} from '../../plugins/aigc-gateway-backend/src/__testUtils__/gateway';
import { startGatewayProcess } from '../../plugins/aigc-gateway-backend/src/__testUtils__/startGatewayProcess';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

const clock = new TestClock();

const INSTANCES = 10_000;
const SAMPLES = 200;
const percentile = (values: number[], p: number) =>
  [...values].sort((x, y) => x - y)[
    Math.min(values.length - 1, Math.floor((p / 100) * values.length))
  ];

// No room in the pool: launches queue, so this measures the API, not engines.
const config = (dir: string) =>
  sampleGatewayConfig({ dataRoot: join(dir, 'engines'), capacity: 0 });

/** 10,000 released instances of 1,000 users, 10 each. */
async function seed(knex: Knex) {
  const now = new Date();
  for (let batch = 0; batch < INSTANCES / 500; batch++) {
    const volumes = [];
    const instances = [];
    for (let n = 0; n < 500; n++) {
      const i = batch * 500 + n;
      const volumeId = randomUUID();
      const owner = `user:default/user${i % 1000}`;
      volumes.push({
        id: volumeId,
        owner_ref: owner,
        template_id: 'sample-engine',
        runtime_id: 'local',
        runtime_ref: `/nonexistent/${volumeId}`,
        data_layout: 2,
        created_at: now,
      });
      instances.push({
        id: randomUUID(),
        owner_ref: owner,
        owner_groups: '[]',
        template_id: 'sample-engine',
        version: '2.0.0',
        pool_id: 'local',
        name: `n${Math.floor(i / 1000)}`,
        state: 'released',
        volume_id: volumeId,
        runtime_id: 'local',
        active_key: `${owner}|sample-engine|n${Math.floor(i / 1000)}`,
        created_at: now,
        updated_at: now,
        row_version: 1,
      });
    }
    await knex('volumes').insert(volumes);
    await knex('instances').insert(instances);
  }
  return (
    await knex('instances').where({ owner_ref: 'user:default/user7' }).first()
  ).id as string;
}

async function measure(name: string, db: string, knex: Knex) {
  const dir = mkdtempSync(join(tmpdir(), 'aigc-bench-api-'));
  let gateway = await startGatewayProcess({ db, config: config(dir), clock });
  gateway.child.kill('SIGTERM'); // the first start ran the migrations
  await new Promise(r => gateway.child.once('exit', r));
  const someId = await seed(knex);
  gateway = await startGatewayProcess({ db, config: config(dir), clock });
  const headers = {
    authorization: asUser('user7'),
    'content-type': 'application/json',
  };
  const time = async (fn: () => Promise<Response>) => {
    const t = performance.now();
    const res = await fn();
    await res.arrayBuffer();
    if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
    return performance.now() - t;
  };
  const results: Record<string, number[]> = {
    health: [],
    list: [],
    get: [],
    launch: [],
  };
  for (let n = 0; n < SAMPLES; n++) {
    results.health.push(
      await time(() =>
        fetch(`${gateway.baseUrl}/.backstage/health/v1/liveness`),
      ),
    );
    results.list.push(
      await time(() =>
        fetch(`${gateway.baseUrl}/api/aigc-gateway/instances`, { headers }),
      ),
    );
    results.get.push(
      await time(() =>
        fetch(`${gateway.baseUrl}/api/aigc-gateway/instances/${someId}`, {
          headers,
        }),
      ),
    );
    results.launch.push(
      await time(() =>
        fetch(`${gateway.baseUrl}/api/aigc-gateway/instances`, {
          method: 'POST',
          headers: { ...headers, authorization: asUser(`new${n}`) },
          body: JSON.stringify({
            templateId: 'sample-engine',
            version: '2.0.0',
          }),
        }),
      ),
    );
  }
  gateway.child.kill('SIGTERM');
  for (const [what, values] of Object.entries(results)) {
    console.log(
      `${name.padEnd(10)} ${what.padEnd(7)} p50 ${percentile(
        values,
        50,
      ).toFixed(1)} ms  p95 ${percentile(values, 95).toFixed(1)} ms`,
    );
  }
}

async function main() {
  console.log(
    `${INSTANCES} instances; ${SAMPLES} samples each; target p95 < 50 ms for list, get, launch`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'aigc-bench-sqlite-'));
  const file = join(dir, 'gateway.sqlite');
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  await measure('SQLite', file, sqlite);
  await sqlite.destroy();
  const pgUrl =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (pgUrl) {
    const admin = knexFactory({ client: 'pg', connection: pgUrl });
    const database = `aigc_bench_${Date.now()}`;
    await admin.raw(`create database ${database}`);
    await admin.destroy();
    const url = `${pgUrl.replace(/\/$/, '')}/${database}`;
    const pg = knexFactory({ client: 'pg', connection: url });
    await measure('PostgreSQL', url, pg);
    await pg.destroy();
  } else {
    console.log(
      'PostgreSQL skipped: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
