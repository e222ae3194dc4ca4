import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import {
  EngineRuntime,
  engineTemplateSchema,
  Migration,
  RuntimeVolume,
  VolumeMigrator,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import knexFactory, { Knex } from 'knex';
import { migrateDatabase } from '../store/migrate';
import { InstanceStore } from '../store/InstanceStore';
import { VersionSwitchStore } from '../store/VersionSwitchStore';
import { VersionSwitcher } from './VersionSwitcher';
import { AuditTrail } from '../audit/AuditTrail';
import { recordingAuditor } from '../__testUtils__/auditEvents';

const job = (fromLayout: number, toLayout: number) => ({
  fromLayout,
  toLayout,
  kubernetes: { image: 'migrate:1' },
});
const template = engineTemplateSchema.parse({
  id: 'engine',
  title: 'Engine',
  owner: 'group:default/admins',
  kind: 'generic-http',
  versions: [
    { version: '1.0.0', dataLayout: 1, pools: ['p'] },
    {
      version: '2.0.0',
      dataLayout: 2,
      pools: ['p'],
      migrations: [job(1, 2), job(2, 1)],
    },
    {
      version: '3.0.0',
      dataLayout: 3,
      pools: ['p'],
      migrations: [job(2, 3), job(3, 2)],
    },
  ],
});

/** A runtime without volume copies that records the migrations it runs; the steps `fails` names fail. */
function runtimeWithoutBackups(
  fails: (step: string) => boolean = () => false,
): EngineRuntime & VolumeMigrator & { ran: string[] } {
  const ran: string[] = [];
  const unused = () => Promise.reject(new Error('not used here'));
  return {
    id: 'cluster',
    volumeBackups: false,
    ran,
    ensureVolume: unused,
    start: unused,
    stop: unused,
    deleteVolume: unused,
    observe: () => () => {},
    list: async () => [],
    endpoint: () => undefined,
    shutdown: async () => {},
    backupVolume: unused,
    restoreVolume: unused,
    dropBackup: unused,
    runMigration: async (_volume: RuntimeVolume, m: Migration) => {
      const step = `${m.fromLayout}→${m.toLayout}`;
      ran.push(step);
      if (fails(step)) throw new Error(`${step} broke`);
    },
  };
}

describe('VersionSwitcher on a runtime without volume copies', () => {
  let db: Knex;
  let store: InstanceStore;
  let switches: VersionSwitchStore;
  const clock = new TestClock('2027-03-28T00:59:30Z');

  beforeEach(async () => {
    db = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    await migrateDatabase(db);
    store = new InstanceStore(db, clock);
    switches = new VersionSwitchStore(db, clock);
    const now = clock.now();
    await db('volumes').insert({
      id: 'v1',
      owner_ref: 'user:default/a',
      template_id: 'engine',
      runtime_id: 'cluster',
      runtime_ref: 'claim-v1',
      data_layout: 1,
      created_at: now,
    });
    await db('instances').insert({
      id: 'i1',
      owner_ref: 'user:default/a',
      owner_groups: '[]',
      template_id: 'engine',
      version: '1.0.0',
      pool_id: 'p',
      state: 'released',
      volume_id: 'v1',
      runtime_id: 'cluster',
      created_at: now,
      updated_at: now,
    });
  });
  afterEach(() => db.destroy());

  const switcher = (runtime: EngineRuntime, staleAfterMs = 60_000) =>
    new VersionSwitcher({
      store,
      audit: new AuditTrail(recordingAuditor().service),
      switches,
      runtime,
      definitions: () => ({
        templates: new Map([['engine', template]]),
        pools: new Map(),
      }),
      logger: mockServices.logger.mock(),
      staleAfterMs,
      clock,
    });
  const settled = async () => {
    for (let i = 0; i < 100; i++) {
      const instance = await store.get('i1');
      if (instance!.state !== 'migrating') return instance!;
      await new Promise(r => setTimeout(r, 10));
    }
    throw new Error('the switch did not end');
  };

  it('reverses the steps taken when a later one fails, and stays on the old version', async () => {
    const runtime = runtimeWithoutBackups(step => step === '2→3');
    await switcher(runtime).switch(
      (await store.get('i1'))!,
      '3.0.0',
      'user:default/admin',
    );
    const instance = await settled();
    expect(runtime.ran).toEqual(['1→2', '2→3', '3→2', '2→1']);
    expect([instance.state, instance.version, instance.failureReason]).toEqual([
      'released',
      '1.0.0',
      'switching to version 3.0.0 failed: 2→3 broke; its migrations were reversed',
    ]);
    expect((await store.getVolume('v1'))!.dataLayout).toBe(1);
  });

  it('refuses every switch on a runtime that keeps volumes with their version, and leaves the instance as it was', async () => {
    const runtime = { ...runtimeWithoutBackups(), volumesBoundToVersion: true };
    await expect(
      switcher(runtime).switch(
        (await store.get('i1'))!,
        '2.0.0',
        'user:default/admin',
      ),
    ).rejects.toThrow(
      'the cluster runtime keeps each volume with its engine version, so versions cannot be switched',
    );
    expect(runtime.ran).toEqual([]);
    const instance = (await store.get('i1'))!;
    expect([instance.state, instance.version]).toEqual(['released', '1.0.0']);
  });

  it('marks the instance failed when the reverse fails too, rather than start it on data of unknown layout', async () => {
    const runtime = runtimeWithoutBackups(() => true);
    await switcher(runtime).switch(
      (await store.get('i1'))!,
      '2.0.0',
      'user:default/admin',
    );
    const instance = await settled();
    expect(runtime.ran).toEqual(['1→2', '2→1']);
    expect([instance.state, instance.failureReason]).toEqual([
      'failed',
      'switching to version 2.0.0 failed: 1→2 broke; undoing its migrations failed too, so the data may be half migrated',
    ]);
  });

  it('after its backend died, reverses the steps that had begun', async () => {
    const instance = (await store.get('i1'))!;
    const migrating = (await store.transition(instance, {
      state: 'migrating',
      message: 'switching',
    }))!;
    await switches.begin({
      instanceId: 'i1',
      fromVersion: '1.0.0',
      toVersion: '3.0.0',
      fromLayout: 1,
      toLayout: 3,
    });
    await switches.stepStarted('i1', 2);
    await db('version_switches').update({
      heartbeat_at: new Date(clock.now().getTime() - 120_000),
    });
    expect(migrating.state).toBe('migrating');

    const runtime = runtimeWithoutBackups();
    await switcher(runtime).recover();
    const recovered = (await store.get('i1'))!;
    expect(runtime.ran).toEqual(['3→2', '2→1']);
    expect([
      recovered.state,
      recovered.version,
      recovered.failureReason,
    ]).toEqual([
      'released',
      '1.0.0',
      'the switch to version 3.0.0 was interrupted; the data was restored',
    ]);
    expect(await db('version_switches')).toEqual([]);
  });
});
