import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import { sampleGatewayConfig } from '../__testUtils__/gateway';
import { enginePids } from '../__testUtils__/enginePids';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { callGateway as api, until } from '../__testUtils__/gatewayProcessApi';
import {
  GatewayProcess,
  killHard,
  startGatewayProcess,
} from '../__testUtils__/startGatewayProcess';

describe('kill -9 of the backend', () => {
  const clock = new TestClock();
  const dir = mkdtempSync(join(tmpdir(), 'aigc-crash-'));
  const db = join(dir, 'gateway.sqlite');
  // The engine is slow to start, so the backend can die while it starts.
  const config = sampleGatewayConfig({
    dataRoot: join(dir, 'engines'),
    ports: { from: 18700, to: 18709 },
    probeIntervalMs: 100,
    engineArgs: ['--startup-ms', '2000'],
  });
  let gateway: GatewayProcess | undefined;
  let knex: Knex;

  beforeAll(() => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: db },
      useNullAsDefault: true,
    });
  });
  afterAll(async () => {
    gateway?.child.kill('SIGTERM');
    await knex.destroy();
  });

  const intervals = (id: string) =>
    knex('usage_intervals').where({ instance_id: id }).orderBy('id');

  it('converges after dying while an instance starts and while it runs, with no orphan and one interval', async () => {
    gateway = await startGatewayProcess({ db, config, clock });
    const launched = await api(gateway, 'POST', '/instances', {
      templateId: 'sample-engine',
      version: '2.0.0',
    });
    expect(launched.status).toBe(201);
    const id = launched.body.id;
    await until('the engine process', async () =>
      enginePids(id).length ? true : undefined,
    );

    // Dies while the instance is starting.
    await killHard(gateway);
    expect((await knex('instances').where({ id }).first()).state).toBe(
      'starting',
    );
    gateway = await startGatewayProcess({ db, config, clock });
    await until('running', async () =>
      (await api(gateway!, 'GET', `/instances/${id}`)).body.state === 'running'
        ? true
        : undefined,
    );
    expect(enginePids(id)).toHaveLength(1);
    expect(await intervals(id)).toHaveLength(1);

    // Dies while it runs: the engine is adopted, not restarted or doubled.
    const [pid] = enginePids(id);
    await killHard(gateway);
    gateway = await startGatewayProcess({ db, config, clock });
    await until('running again', async () =>
      (await api(gateway!, 'GET', `/instances/${id}`)).body.state === 'running'
        ? true
        : undefined,
    );
    expect(enginePids(id)).toEqual([pid]);
    const afterRestart = await intervals(id);
    expect(afterRestart).toHaveLength(1);
    expect(afterRestart[0].ended_at).toBeNull();

    // The engine dies while no backend runs: the next one fails the instance with a reason.
    await killHard(gateway);
    // All of it: a sandbox's first process takes the sandbox with it.
    process.kill(-pid, 'SIGKILL');
    gateway = await startGatewayProcess({ db, config, clock });
    const failed = await until('failed', async () => {
      const { body } = await api(gateway!, 'GET', `/instances/${id}`);
      return body.state === 'failed' ? body : undefined;
    });
    expect(failed.failureReason).toBe('the engine was no longer running');
    const closed = await intervals(id);
    expect(closed).toHaveLength(1);
    expect(closed[0].ended_at).not.toBeNull();
    expect(enginePids(id)).toEqual([]);

    // The cost of the interval closed late is its recorded time, counted once.
    const started = new Date(closed[0].started_at);
    const ended = new Date(closed[0].ended_at);
    const range = `from=${new Date(
      started.getTime() - 60_000,
    ).toISOString()}&to=${new Date(ended.getTime() + 60_000).toISOString()}`;
    const cost = await api(
      gateway,
      'GET',
      `/cost/summary?entityRef=resource:default/aigc-instance-${id}&${range}`,
    );
    const hours = (ended.getTime() - started.getTime()) / 3_600_000;
    expect(cost.body.total.hours).toBeCloseTo(hours, 6);
    expect(cost.body.total.cost).toBeCloseTo(
      hours * Number(closed[0].price_per_hour) * Number(closed[0].gpu_count),
      6,
    );
  }, 120_000);
});
