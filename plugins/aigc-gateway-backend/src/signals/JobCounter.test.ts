import { TestDatabases } from '@backstage/backend-test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import { EngineKind } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { Knex } from 'knex';
import { migrateDatabase } from '../store/migrate';
import { JobStore } from '../store/JobStore';
import { InstanceRecord } from '../store/InstanceStore';
import { JobCounter } from './JobCounter';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/**
 * The counter's arithmetic on a real database: engines that count from zero
 * at each start, engines that keep their count in their data, counters
 * that go back, and two readings at once.
 */
describe.each(databases.eachSupportedId())('JobCounter on %s', databaseId => {
  let knex: Knex;
  let answer: string;
  let intervalStart = 0;

  const instance = (kind: EngineKind) =>
    ({ id: `i-${kind}`, templateId: kind } as InstanceRecord);

  function counter() {
    return new JobCounter({
      store: {
        listInStates: async () =>
          ['vllm', 'invokeai'].map(k => instance(k as EngineKind)),
      } as any,
      jobs: new JobStore(knex),
      definitions: () =>
        ({
          templates: new Map(
            ['vllm', 'invokeai'].map(kind => [kind, { kind }]),
          ),
        } as any),
      runtime: { endpoint: () => ({ host: '127.0.0.1', port: 1 }) } as any,
      connections: { getText: async () => answer },
      logger: mockServices.logger.mock(),
      metrics: { jobsCompleted: () => {} },
    });
  }

  async function start(kind: EngineKind) {
    await knex('usage_intervals')
      .where({ instance_id: `i-${kind}` })
      .whereNull('ended_at')
      .update({ ended_at: new Date(++intervalStart * 1000) });
    await knex('usage_intervals').insert({
      instance_id: `i-${kind}`,
      owner_ref: 'user:default/alice',
      owner_groups: '[]',
      template_id: kind,
      version: '1',
      pool_id: 'local',
      gpu_type: 'none',
      gpu_count: 1,
      price_per_hour: 1,
      started_at: new Date(++intervalStart * 1000),
    });
  }

  const completed = async (kind: string) =>
    Number(
      (
        await knex('instances')
          .where({ id: `i-${kind}` })
          .first()
      ).jobs_completed,
    );

  const vllm = (n: number) => `vllm:request_success_total{m="x"} ${n}\n`;
  const invoke = (n: number) =>
    JSON.stringify({ queue: { pending: 0, in_progress: 0, completed: n } });

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await migrateDatabase(knex);
    for (const kind of ['vllm', 'invokeai'])
      await knex('instances').insert({
        id: `i-${kind}`,
        owner_ref: 'user:default/alice',
        owner_groups: '[]',
        template_id: kind,
        version: '1',
        pool_id: 'local',
        name: kind,
        state: 'running',
        volume_id: `v-${kind}`,
        runtime_id: 'local',
        active_key: `user:default/alice|${kind}|${kind}`,
        created_at: new Date(0),
        updated_at: new Date(0),
      });
  });

  it('counts from zero at each start for engines that do, and after a reset', async () => {
    await start('vllm');
    const jobs = counter();
    answer = vllm(3);
    await jobs.collect(instance('vllm'));
    expect(await completed('vllm')).toBe(3);
    answer = vllm(5);
    await jobs.collect(instance('vllm'));
    await jobs.collect(instance('vllm'));
    expect(await completed('vllm')).toBe(5);
    // The engine restarted within the interval: its counter went back.
    answer = vllm(1);
    await jobs.collect(instance('vllm'));
    expect(await completed('vllm')).toBe(6);
    // A new start: its first reading is all new.
    await start('vllm');
    answer = vllm(2);
    await jobs.collect(instance('vllm'));
    expect(await completed('vllm')).toBe(8);
  });

  it('goes on from the last reading for engines that keep their count in their data', async () => {
    await start('invokeai');
    const jobs = counter();
    answer = invoke(4);
    await jobs.collect(instance('invokeai'));
    expect(await completed('invokeai')).toBe(4);
    // Released and started again: the queue in its data still says 4.
    await start('invokeai');
    answer = invoke(6);
    await jobs.collect(instance('invokeai'));
    expect(await completed('invokeai')).toBe(6);
    // Its history pruned: nothing counted, the new reading is where it goes on.
    answer = invoke(1);
    await jobs.collect(instance('invokeai'));
    answer = invoke(2);
    await jobs.collect(instance('invokeai'));
    expect(await completed('invokeai')).toBe(7);
  });

  it('counts each job once when readings run at the same time', async () => {
    await start('vllm');
    await start('invokeai');
    answer = vllm(0);
    await counter().check();
    answer = vllm(4);
    await Promise.all([
      counter().check(),
      counter().check(),
      counter().collect(instance('vllm')),
    ]);
    expect(await completed('vllm')).toBe(4);
  });
});
