import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import knexFactory from 'knex';
import { samplesOf, signedIn, sum } from '../e2e/portal';
import {
  PORTAL,
  REPLICAS,
  ReplicaName,
  signInAs,
  Stack,
  startStack,
} from './stack';

const run = promisify(execFile);
const API = `${PORTAL}/api/aigc-gateway`;
const SHOTS = 'test-results/production/screenshots';

let stack: Stack;
test.beforeAll(async () => {
  test.setTimeout(600_000);
  stack = await startStack();
});
test.afterAll(async () => stack?.stop());

/** A user's token from the real sign-in through nginx, once the catalog knows the user. */
async function authAs(user: string): Promise<Record<string, string>> {
  let headers: Record<string, string> = {};
  await expect(async () => {
    headers = await signInAs(user);
  }).toPass({ timeout: 180_000, intervals: [2_000] });
  return headers;
}

/**
 * Requests an API path through nginx every 100 ms until stopped; every
 * answer of 5xx or failed connection is a failure the user would have seen.
 */
function probe(path: string, headers: Record<string, string>) {
  const failures: string[] = [];
  let requests = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`${API}${path}`, { headers });
        await res.arrayBuffer();
        if (res.status >= 500) failures.push(`HTTP ${res.status}`);
      } catch (error) {
        failures.push(String(error));
      }
      requests++;
      await new Promise(r => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { requests, failures };
    },
  };
}

async function stateOf(
  request: APIRequestContext,
  headers: Record<string, string>,
  id: string,
) {
  return (
    await (await request.get(`${API}/instances/${id}`, { headers })).json()
  ).state as string;
}

async function waitForState(
  request: APIRequestContext,
  headers: Record<string, string>,
  id: string,
  state: string,
  timeout = 90_000,
) {
  await expect
    .poll(() => stateOf(request, headers, id), { timeout, intervals: [500] })
    .toBe(state);
}

/** Kills a replica with SIGKILL and starts it again in the background. */
async function killAndRestart(name: ReplicaName) {
  await stack.kill(name);
  return stack.restart(name);
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

/** The gateway's own database, as both replicas share it. */
function gatewayDatabase() {
  return knexFactory({
    client: 'pg',
    connection: {
      host: '127.0.0.1',
      port: Number(process.env.AIGC_PRODUCTION_PG_PORT),
      user: 'postgres',
      database: 'backstage_plugin_aigc-gateway',
    },
  });
}

test('two replicas behind nginx: alice signs in, launches, generates, releases and relaunches while replicas are killed; nothing doubled or lost, scheduled work once', async ({
  page,
  request,
}) => {
  test.setTimeout(600_000);
  const alice = await authAs('alice');
  const prober = probe('/instances', alice);

  // The portal's manifests hold on the cluster: two replicas, and a budget that lets one go.
  await expect
    .poll(
      () =>
        run('kubectl', [
          ...['-n', 'backstage', 'get', 'pdb', 'backstage'],
          ...[
            '-o',
            'jsonpath={.status.currentHealthy}/{.status.disruptionsAllowed}',
          ],
        ]).then(r => r.stdout),
      { timeout: 60_000 },
    )
    .toBe('2/1');

  // alice signs in through nginx with the OpenID provider and launches; replica a dies meanwhile.
  await signedIn(page, 'alice');
  await page
    .getByTestId('launch-card-sample-engine')
    .getByRole('button', { name: 'Launch' })
    .click();
  const restartedA = killAndRestart('a');
  await expect(page.getByTestId('launch-state')).toHaveText('running', {
    timeout: 90_000,
  });
  await shot(page, 'production-01-launched');

  // She opens her engine at its own origin, through nginx, and generates an image.
  const [engine] = await Promise.all([
    page.waitForEvent('popup'),
    page
      .getByTestId('launch-card-sample-engine')
      .getByRole('button', { name: 'Open' })
      .click(),
  ]);
  await expect(
    engine.getByRole('heading', { name: /Sample Engine/ }),
  ).toBeVisible();
  expect(engine.url()).toMatch(/^http:\/\/[0-9a-f-]{36}\.localhost:8481\/$/);
  const id = new URL(engine.url()).hostname.split('.')[0];
  await engine.getByLabel('Prompt').fill('a lighthouse at dawn');
  await engine.getByRole('button', { name: 'Generate' }).click();
  await expect(engine.getByRole('status')).toContainText('Done', {
    timeout: 30_000,
  });
  await shot(engine, 'production-02-image');
  await engine.close();
  await restartedA;

  // She releases it and launches it again while replica b dies.
  await page.getByRole('tab', { name: 'Instances', exact: true }).click();
  const row = page.getByRole('row').filter({
    has: page.getByRole('cell', { name: 'sample-engine', exact: true }),
  });
  await row.getByRole('button', { name: 'Release' }).click();
  await waitForState(request, alice, id, 'released');
  const restartedB = killAndRestart('b');
  await row.getByRole('button', { name: 'Launch again' }).click();
  await waitForState(request, alice, id, 'running');
  await restartedB;
  await shot(page, 'production-03-relaunched');

  // Concurrent launches through nginx while a replica dies: each name once, none lost.
  const names = Array.from({ length: 8 }, (_, n) => `burst-${n}`);
  const launches = names.map((name, n) =>
    new Promise(r => setTimeout(r, n * 150)).then(() =>
      request.post(`${API}/instances`, {
        headers: alice,
        data: { templateId: 'idle-sample-engine', name },
      }),
    ),
  );
  await new Promise(r => setTimeout(r, 400));
  const restartedA2 = killAndRestart('a');
  const answers = await Promise.all(launches);
  expect(answers.map(a => a.status()).filter(s => s >= 300)).toEqual([]);
  await restartedA2;
  const db = gatewayDatabase();
  try {
    const rows = (await db('instances')
      .select('name')
      .count({ n: '*' })
      .where('name', 'like', 'burst-%')
      .groupBy('name')
      .orderBy('name')) as Array<{ name: string; n: string | number }>;
    expect(rows.map(r => ({ name: r.name, n: Number(r.n) }))).toEqual(
      names.map(name => ({ name, n: 1 })),
    );
    const burst = (await Promise.all(answers.map(a => a.json()))).map(
      b => b.id as string,
    );
    // Three fit in the pool, the others queue; unused, each goes after 20 s
    // and makes room for the next: each started, and released once, by one replica.
    for (const burstId of burst) {
      await waitForState(request, alice, burstId, 'running', 180_000);
    }
    for (const burstId of burst) {
      await waitForState(request, alice, burstId, 'released', 180_000);
    }
    for (const burstId of burst) {
      const releases = (['a', 'b'] as ReplicaName[])
        .flatMap(name => stack.log(name).split('\n'))
        .filter(
          line =>
            line.includes('"eventId":"idle-release"') &&
            line.includes(burstId) &&
            line.includes('"status":"succeeded"'),
        );
      expect(releases).toHaveLength(1);
    }

    // The ledger: per instance, intervals that never overlap and at most one open.
    const intervals = await db('usage_intervals')
      .select('instance_id', 'started_at', 'ended_at')
      .orderBy(['instance_id', 'started_at']);
    const byInstance = new Map<string, { s: number; e: number | null }[]>();
    for (const r of intervals) {
      const list = byInstance.get(r.instance_id) ?? [];
      list.push({
        s: new Date(r.started_at).getTime(),
        e: r.ended_at ? new Date(r.ended_at).getTime() : null,
      });
      byInstance.set(r.instance_id, list);
    }
    for (const list of byInstance.values()) {
      expect(list.filter(i => i.e === null).length).toBeLessThanOrEqual(1);
      for (let n = 1; n < list.length; n++) {
        expect(list[n].s).toBeGreaterThanOrEqual(list[n - 1].e!);
      }
    }
    // The journey's instance ran twice; each burst instance once.
    expect(byInstance.get(id)).toHaveLength(2);
    for (const burstId of burst)
      expect(byInstance.get(burstId)).toHaveLength(1);
  } finally {
    await db.destroy();
  }

  // Her cost, once everything is released, is exactly what the ledger's intervals add up to.
  await row.getByRole('button', { name: 'Release' }).click();
  await waitForState(request, alice, id, 'released');
  const ledgerCost = await (async () => {
    const client = gatewayDatabase();
    try {
      const rows = await client('usage_intervals')
        .select('started_at', 'ended_at', 'gpu_count', 'price_per_hour')
        .where('owner_ref', 'user:default/alice');
      return rows.reduce(
        (total, r) =>
          total +
          ((new Date(r.ended_at).getTime() - new Date(r.started_at).getTime()) /
            3_600_000) *
            r.gpu_count *
            r.price_per_hour,
        0,
      );
    } finally {
      await client.destroy();
    }
  })();
  const summary = await (
    await request.get(
      `${API}/cost/summary?entityRef=user%3Adefault%2Falice&groupBy=pool`,
      { headers: alice },
    )
  ).json();
  expect(summary.total.cost).toBeCloseTo(ledgerCost, 6);
  await page.getByRole('tab', { name: 'Cost' }).click();
  await expect(
    page.getByText(`${summary.total.cost.toFixed(2)} USD`).first(),
  ).toBeVisible();
  await shot(page, 'production-04-cost');

  const { requests, failures } = await prober.stop();
  expect(requests).toBeGreaterThan(100);
  expect(failures).toEqual([]);

  // Both replicas export metrics; between them they timed starts and queue waits.
  const scraped = await Promise.all(
    (Object.keys(REPLICAS) as ReplicaName[]).map(async name =>
      samplesOf(await stack.metrics(name)),
    ),
  );
  const total = (metric: string) =>
    scraped.reduce((all, samples) => all + sum(samples, metric), 0);
  for (const samples of scraped)
    expect(
      sum(samples, 'aigc_gateway_pool_capacity', {
        pool: 'rtx3090',
        use: 'total',
      }),
    ).toBe(4);
  expect(total('aigc_gateway_launch_duration_count')).toBeGreaterThan(0);
  expect(total('aigc_gateway_queue_wait_count')).toBeGreaterThan(0);
});
