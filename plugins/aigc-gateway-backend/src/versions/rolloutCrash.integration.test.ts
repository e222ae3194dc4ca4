import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { switchCrashSetup } from '../__testUtils__/switchCrashSetup';
import { callGateway as api, until } from '../__testUtils__/gatewayProcessApi';
import {
  GatewayProcess,
  killHard,
  startGatewayProcess,
} from '../__testUtils__/startGatewayProcess';

describe('kill -9 of the backend in the middle of a rollout', () => {
  const clock = new TestClock();
  // 3.0.0's migration marks the data half done, takes 1.5 s, then completes it.
  const { db, dataRoot, config } = switchCrashSetup({
    prefix: 'aigc-rollout-crash-',
    ports: { from: 19190, to: 19194 },
    script:
      "const fs = require('fs'); const d = process.env.DATA_DIR; fs.writeFileSync(d + '/half-done', 'x'); setTimeout(() => { fs.rmSync(d + '/half-done'); fs.writeFileSync(d + '/layout-3', '3'); }, 1500)",
  });
  config.aigcGateway.rollouts = { checkIntervalSeconds: 1 };
  const start = () =>
    startGatewayProcess({ db, config, clock, realScheduler: true });
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

  it('resumes after a restart: the interrupted switch is undone and tried again, and every instance ends on the new version', async () => {
    const first = await start();
    gateway = first;
    const volumes: Record<string, string> = {};
    const inState = (id: string, state: string) => async () =>
      (await api(first, 'GET', `/instances/${id}`)).body.state === state
        ? true
        : undefined;
    for (const name of ['r1', 'r2']) {
      const { body } = await api(first, 'POST', '/instances', {
        templateId: 'sample-engine',
        version: '2.0.0',
        name,
      });
      await until(`${name} running`, inState(body.id, 'running'));
      await api(first, 'POST', `/instances/${body.id}/release`);
      await until(`${name} released`, inState(body.id, 'released'));
      volumes[name] = join(
        dataRoot,
        'volumes',
        (await knex('instances').where({ id: body.id }).first()).volume_id,
      );
    }

    // carol, an admin, rolls out.
    const started = await api(
      gateway,
      'POST',
      '/rollouts',
      {
        templateId: 'sample-engine',
        from: '2.0.0',
        to: '3.0.0',
        concurrency: 1,
      },
      'carol',
    );
    expect(started.status).toBe(201);
    await until('the first migration to change data', async () =>
      existsSync(join(volumes.r1, 'half-done')) ? true : undefined,
    );
    await killHard(gateway);
    const targets = async () =>
      (
        await knex('rollout_targets')
          .orderBy('position')
          .select('name', 'status', 'attempts')
      ).map(t => [t.name, t.status, Number(t.attempts)]);
    expect(await targets()).toEqual([
      ['r1', 'switching', 1],
      ['r2', 'pending', 0],
    ]);

    gateway = await start();
    const done = await until('the rollout to complete', async () => {
      const { body } = await api(
        gateway!,
        'GET',
        `/rollouts/${started.body.id}`,
        undefined,
        'carol',
      );
      return body.state === 'completed' ? body : undefined;
    });
    expect(done.message).toBe('2 switched, 0 failed, 0 skipped');
    expect(await targets()).toEqual([
      ['r1', 'done', 2],
      ['r2', 'done', 1],
    ]);
    for (const volume of Object.values(volumes)) {
      expect(readdirSync(volume).sort()).toEqual(['layout-3', 'layout.json']);
    }
    expect(
      (await knex('instances').select('version')).map(r => r.version),
    ).toEqual(['3.0.0', '3.0.0']);
    expect(
      (await knex('volumes').select('data_layout')).map(r => r.data_layout),
    ).toEqual([3, 3]);
    expect(await knex('version_switches')).toEqual([]);
    expect(readdirSync(join(dataRoot, 'backups'))).toEqual([]);
  }, 120_000);
});
