import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  authAs,
  GATEWAY_API,
  launch,
  portalReady,
  removeInstance,
  scrape,
  sum,
  waitForState,
} from './portal';

test.beforeAll(portalReady);

test("the gateway's metrics move as alice launches, uses and releases an engine", async ({
  request,
}) => {
  test.setTimeout(180_000);
  const alice = await authAs('alice');
  const before = await scrape(request);
  const engine = await launch(request, alice, 'sample-engine', 'metrics-e2e');
  try {
    const proxy = `${GATEWAY_API}/instances/${engine.id}/proxy`;
    // A job through the path-form proxy, and a WebSocket held open meanwhile.
    const ws = new WebSocket(`${proxy.replace(/^http/, 'ws')}/queue/join`, {
      headers: alice,
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const made = await request.post(`${proxy}/sdapi/v1/txt2img`, {
      headers: alice,
      data: { prompt: 'a lighthouse', steps: 5 },
    });
    expect(made.status()).toBe(200);
    expect(
      (await request.get(`${proxy}/no-such-page`, { headers: alice })).status(),
    ).toBe(404);

    const during = await scrape(request);
    const running = { state: 'running', pool: 'local' };
    expect(sum(during, 'aigc_gateway_instances', running)).toBe(
      sum(before, 'aigc_gateway_instances', running) + 1,
    );
    expect(
      sum(during, 'aigc_gateway_pool_capacity', { pool: 'local', use: 'used' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sum(during, 'aigc_gateway_launches_total', { outcome: 'created' }),
    ).toBe(
      sum(before, 'aigc_gateway_launches_total', { outcome: 'created' }) + 1,
    );
    for (const statusClass of ['2xx', '4xx'])
      expect(
        sum(during, 'aigc_gateway_proxy_duration_count', {
          status_class: statusClass,
        }),
      ).toBeGreaterThan(
        sum(before, 'aigc_gateway_proxy_duration_count', {
          status_class: statusClass,
        }),
      );
    expect(
      sum(during, 'aigc_gateway_launch_duration_count', { pool: 'local' }),
    ).toBe(
      sum(before, 'aigc_gateway_launch_duration_count', { pool: 'local' }) + 1,
    );
    expect(sum(during, 'aigc_gateway_proxy_websockets')).toBe(
      sum(before, 'aigc_gateway_proxy_websockets') + 1,
    );
    expect(
      sum(during, 'aigc_gateway_jobs_completed_total', {
        template: 'sample-engine',
      }),
    ).toBe(
      sum(before, 'aigc_gateway_jobs_completed_total', {
        template: 'sample-engine',
      }) + 1,
    );
    expect(
      sum(during, 'aigc_gateway_gpu_hours_month', { pool: 'local' }),
    ).toBeGreaterThan(
      sum(before, 'aigc_gateway_gpu_hours_month', { pool: 'local' }),
    );
    ws.close();
  } finally {
    await request.post(`${GATEWAY_API}/instances/${engine.id}/release`, {
      headers: alice,
    });
    await request.delete(
      `${GATEWAY_API}/instances/${engine.id}?deleteData=true`,
      { headers: alice },
    );
  }
  await expect(async () => {
    const after = await scrape(request);
    expect(sum(after, 'aigc_gateway_proxy_websockets'), 'open WebSockets').toBe(
      sum(before, 'aigc_gateway_proxy_websockets'),
    );
    expect(
      sum(after, 'aigc_gateway_instances', { state: 'running', pool: 'local' }),
      'running instances',
    ).toBe(
      sum(before, 'aigc_gateway_instances', {
        state: 'running',
        pool: 'local',
      }),
    );
  }).toPass({ timeout: 30_000 });
});

test('a launch that waits in the queue is timed when it starts', async ({
  request,
}) => {
  test.setTimeout(180_000);
  const alice = await authAs('alice');
  const before = await scrape(request);
  // The local pool holds 4 engines: the fifth launch queues until one goes.
  const ids: string[] = [];
  try {
    for (const n of [0, 1, 2, 3])
      ids.push(
        (await launch(request, alice, 'sample-engine', `metrics-queue-${n}`))
          .id,
      );
    const queued = await request.post(`${GATEWAY_API}/instances`, {
      headers: alice,
      data: { templateId: 'sample-engine', name: 'metrics-queue-4' },
    });
    expect(queued.status()).toBe(202);
    ids.push((await queued.json()).id);
    expect(
      sum(await scrape(request), 'aigc_gateway_pool_capacity', {
        pool: 'local',
        use: 'queued',
      }),
    ).toBe(1);
    await removeInstance(request, alice, ids.shift()!);
    await waitForState(request, alice, ids[3], 'running');
    const after = await scrape(request);
    expect(sum(after, 'aigc_gateway_queue_wait_count', { pool: 'local' })).toBe(
      sum(before, 'aigc_gateway_queue_wait_count', { pool: 'local' }) + 1,
    );
    expect(
      sum(after, 'aigc_gateway_queue_wait_sum', { pool: 'local' }),
    ).toBeGreaterThan(
      sum(before, 'aigc_gateway_queue_wait_sum', { pool: 'local' }),
    );
    // Every metric the Grafana dashboard in deploy/ queries is exported by now,
    // but rollouts' progress, which exists while there are rollouts (rollout.spec.ts).
    const dashboard = readFileSync(
      join(__dirname, '../../deploy/grafana/aigc-gateway.json'),
      'utf8',
    );
    const queried = new Set(dashboard.match(/aigc_gateway_\w+/g));
    const exported = new Set([...after.keys()].map(k => k.split('{')[0]));
    expect(
      [...queried].filter(
        name =>
          !exported.has(name) && name !== 'aigc_gateway_rollout_instances',
      ),
    ).toEqual([]);
  } finally {
    for (const id of ids) await removeInstance(request, alice, id);
  }
});
