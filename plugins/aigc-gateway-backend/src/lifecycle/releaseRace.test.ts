import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  EngineRuntime,
  gatewayConfigSchema,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import {
  sampleGatewayConfig,
  TestClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { DefinitionStore } from '../store/DefinitionStore';
import { InstanceStore } from '../store/InstanceStore';
import { migrateDatabase } from '../store/migrate';
import { Lifecycle } from './Lifecycle';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const clock = new TestClock('2028-02-29T23:59:30Z');

/** The gateway's tables with the sample engine's definitions, on a fresh database. */
async function gatewayDatabase() {
  const knex = await databases.init('SQLITE_3');
  await migrateDatabase(knex);
  const definitionStore = new DefinitionStore(knex, clock);
  await definitionStore.syncFromConfig(
    gatewayConfigSchema.parse(
      (sampleGatewayConfig({ dataRoot: '/unused' }) as any).aigcGateway,
    ),
  );
  return {
    knex,
    store: new InstanceStore(knex, clock),
    definitions: await definitionStore.load(),
  };
}

describe('releases racing other changes of the instance', () => {
  it('answer with the released instance when the reconciler finished the release while the engine stopped', async () => {
    const { knex, store, definitions } = await gatewayDatabase();
    // The engine stops slowly; meanwhile the reconciler finds the instance releasing and finishes it.
    const runtime = {
      id: 'local',
      ensureVolume: async (id: string) => ({
        id,
        runtimeRef: `/volumes/${id}`,
      }),
      start: async () => {},
      stop: async (instanceId: string) => {
        const releasing = (await store.get(instanceId))!;
        await store.transition(releasing, {
          state: 'released',
          closeInterval: true,
          message: 'released by the reconciler',
        });
      },
      observe: () => () => {},
      list: async () => [],
      endpoint: () => undefined,
      shutdown: async () => {},
    } as unknown as EngineRuntime;
    const lifecycle = new Lifecycle({
      store,
      definitions: () => definitions,
      runtime,
      logger: mockServices.logger.mock(),
    });

    const { instance } = await lifecycle.launch(
      {
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice'],
      },
      { templateId: 'sample-engine' },
    );
    await lifecycle.onRuntimeEvent({
      instanceId: instance.id,
      phase: 'ready',
      reason: 'ready',
      at: clock.now(),
    });
    const released = await lifecycle.release((await store.get(instance.id))!);
    expect(released.state).toBe('released');
    expect(
      await knex('usage_intervals')
        .where({ instance_id: instance.id })
        .whereNull('ended_at'),
    ).toEqual([]);
  });

  it('releases an instance that came up between reading it and releasing it', async () => {
    const { store, definitions } = await gatewayDatabase();
    const runtime = {
      id: 'local',
      ensureVolume: async (id: string) => ({
        id,
        runtimeRef: `/volumes/${id}`,
      }),
      start: async () => {},
      stop: async () => {},
      observe: () => () => {},
    } as unknown as EngineRuntime;
    const lifecycle = new Lifecycle({
      store,
      definitions: () => definitions,
      runtime,
      logger: mockServices.logger.mock(),
    });
    const { instance } = await lifecycle.launch(
      {
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice'],
      },
      { templateId: 'sample-engine' },
    );
    // The release request read the instance while it was starting; then the engine came up.
    const seen = (await store.get(instance.id))!;
    await lifecycle.onRuntimeEvent({
      instanceId: instance.id,
      phase: 'ready',
      reason: 'ready',
      at: clock.now(),
    });
    expect((await lifecycle.release(seen)).state).toBe('released');
  });
});
