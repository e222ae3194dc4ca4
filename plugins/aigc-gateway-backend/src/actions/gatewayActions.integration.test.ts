import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { MockActionsRegistry } from '@backstage/backend-test-utils/alpha';
import { startGateway, waitForState } from '../__testUtils__/gateway';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { costReadPermission } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { ownersOnlyPolicy } from '../testUtils';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

jest.setTimeout(60_000);

/**
 * The gateway's actions as an agent calls them: as its user, with the same
 * permissions and isolation as the HTTP API, and bad arguments refused
 * with the API's messages.
 */
describe("the gateway's actions for agents", () => {
  let registry: MockActionsRegistry;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  const as = (user: string) => mockCredentials.user(`user:default/${user}`);
  const invoke = (user: string, name: string, input: object = {}) =>
    registry.invoke({
      id: `test:${name}`,
      input: input as any,
      credentials: as(user),
    });

  beforeAll(async () => {
    gateway = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18650, to: 18654 },
      features: [
        createServiceFactory({
          service: actionsRegistryServiceRef,
          deps: { logger: coreServices.logger },
          factory: ({ logger }) => {
            registry = MockActionsRegistry.create({ logger });
            return registry;
          },
        }),
        // The portal's policy: everyone reads their own instances and costs only.
        mockServices.permissions.mock({
          ...ownersOnlyPolicy,
          authorize: async requests =>
            requests.map(r => ({
              result:
                r.permission.name === costReadPermission.name
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
        }).factory,
      ],
    });
  });

  afterAll(() => gateway?.backend.stop());

  it('lets alice launch, find, open and release her engine, and bob none of it', async () => {
    const launched = (await invoke('alice', 'launch-engine', {
      templateId: 'sample-engine',
      name: 'from-an-agent',
    })) as any;
    expect(launched.output.outcome).toBe('created');
    const id = launched.output.engine.id;
    await waitForState(gateway.server, id, 'running');
    // Audited by Backstage's auditor, with who, what, which and the outcome.
    expect(gateway.audits).toContainEqual({
      eventId: 'launch',
      status: 'succeeded',
      meta: {
        actor: 'user:default/alice',
        detail: 'sample-engine',
        instanceId: id,
        outcome: 'created',
      },
    });

    const mine = (await invoke('alice', 'list-engines')) as any;
    expect(mine.output.engines).toEqual([
      expect.objectContaining({ id, name: 'from-an-agent', state: 'running' }),
    ]);
    const url = (await invoke('alice', 'get-engine-url', {
      instanceId: id,
    })) as any;
    expect(url.output.address).toMatch(/^http:\/\/.+/);
    expect(url.output.url).toContain('/ingress/sign-in?rd=');

    // bob: nothing of alice's to see or touch, as through the HTTP API.
    expect(
      ((await invoke('bob', 'list-engines', { scope: 'all' })) as any).output
        .engines,
    ).toEqual([]);
    for (const name of ['get-engine-url', 'release-engine', 'relaunch-engine'])
      await expect(
        invoke('bob', name, { instanceId: id }),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: `instance ${id} does not exist`,
      });

    const released = (await invoke('alice', 'release-engine', {
      instanceId: id,
    })) as any;
    expect(released.output.engine.state).toBe('released');
    const cost = (await invoke('alice', 'get-my-cost')) as any;
    expect(cost.output.currency).toBe('USD');
    expect(cost.output.items.map((i: { key: string }) => i.key)).toEqual([
      'sample-engine',
    ]);
    expect(cost.output.total).toBeGreaterThan(0);
    await expect(invoke('bob', 'get-cost-by-group')).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    const pools = (await invoke('bob', 'get-pool-capacity')) as any;
    expect(pools.output.pools).toEqual([
      expect.objectContaining({ id: 'local', used: 0 }),
    ]);
  });

  it('refuses bad arguments with a message that names them', async () => {
    await expect(
      invoke('alice', 'launch-engine', { templateId: 'Not A Slug!' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('templateId'),
    });
    await expect(
      invoke('alice', 'launch-engine', { templateId: 'no-such-engine' }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    // A refused launch is audited as failed, with the reason.
    expect(gateway.audits.at(-1)).toMatchObject({
      eventId: 'launch',
      status: 'failed',
      meta: { actor: 'user:default/alice', detail: 'no-such-engine' },
      error: expect.stringContaining('no-such-engine'),
    });
    await expect(
      invoke('alice', 'release-engine', { instanceId: 'not-an-id' }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('runs only for signed-in users', async () => {
    await expect(
      registry.invoke({
        id: 'test:list-engines',
        input: {},
        credentials: mockCredentials.service('plugin:catalog'),
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });
});
