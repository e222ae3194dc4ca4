import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { CoreV1Api } from '@kubernetes/client-node';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import knexFactory from 'knex';
// The module is tested inside the gateway plugin it extends, as a portal runs it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import aigcGatewayPlugin from '@internal/plugin-aigc-gateway-backend';
import request from 'supertest';
import { kubeConfigFromFile } from './cluster/kubeConfigFromFile';
import aigcGatewayModuleKubernetes from './index';
import { eventually } from './testUtils/events';
import { startSampleEngine } from './testUtils/sampleEngine';
import {
  describeWithCluster,
  startTestCluster,
  TestCluster,
} from './testUtils/testCluster';

const NAMESPACE = 'aigc-gateway-test';
const alice = mockCredentials.user.header('user:default/alice');

/** The gateway as users reach it, with engines on the test cluster. */
describeWithCluster('the gateway on the Kubernetes runtime', () => {
  let cluster: TestCluster;
  let engine: { port: number; stop(): Promise<void> };
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let core: CoreV1Api;
  const api = (method: 'get' | 'post', path: string) =>
    request(backend.server)
      [method](`/api/aigc-gateway${path}`)
      .set('Authorization', alice);
  const stateOf = async (id: string) =>
    (await api('get', `/instances/${id}`)).body;

  /** The gateway with engines on the test cluster; with `database`, its data is kept in SQLite files there. */
  const startGateway = (database?: string) =>
    startTestBackend({
      features: [
        aigcGatewayPlugin,
        aigcGatewayModuleKubernetes,
        ...(database ? [databaseServiceFactory] : []),
        mockServices.rootConfig.factory({
          data: {
            ...(database
              ? {
                  backend: {
                    database: {
                      client: 'better-sqlite3',
                      connection: { directory: database },
                    },
                  },
                }
              : {}),
            aigcGateway: {
              runtime: {
                local: {
                  dataRoot: mkdtempSync(join(tmpdir(), 'aigc-k8s-gateway-')),
                },
                kubernetes: {
                  kubeconfig: cluster.kubeconfig,
                  namespace: NAMESPACE,
                  createNamespace: true,
                  volumeSize: '1Gi',
                  stopGracePeriodSeconds: 0,
                  endpointOverride: { '*': `127.0.0.1:${engine.port}` },
                },
              },
              pools: [
                {
                  id: 'rtx3090',
                  title: 'Office RTX 3090',
                  gpuType: 'RTX-3090',
                  pricePerHour: 0.5,
                  kubernetes: {
                    nodeSelector: { 'aigc-gateway.io/pool': 'rtx3090' },
                  },
                },
              ],
              templates: [
                {
                  id: 'sample-engine',
                  title: 'Sample Engine',
                  owner: 'group:default/aigc-admins',
                  kind: 'sd-webui',
                  versions: [
                    {
                      version: '2.0.0',
                      dataLayout: 2,
                      pools: ['rtx3090'],
                      runtime: {
                        kubernetes: {
                          image:
                            'registry.example.com/aigc/sample-engine:2.0.0',
                          args: [
                            '--port',
                            '${port}',
                            '--data',
                            '${dataDir}',
                            '--version',
                            '${version}',
                          ],
                          readinessPath: '/internal/ping',
                        },
                      },
                    },
                  ],
                },
              ],
            },
          },
        }),
      ],
    });
  /** Waits until the runtime's node watch has counted the pool's GPUs. */
  const poolCounted = (server: typeof backend.server) =>
    eventually(async () => {
      const total = (
        await request(server)
          .get('/api/aigc-gateway/pools')
          .set('Authorization', alice)
      ).body.items[0].capacity.total;
      if (total !== 4)
        throw new Error(`the pool shows ${total} slots, not 4 yet`);
    }, 30_000);

  beforeAll(async () => {
    cluster = startTestCluster('aigc-k8s-gateway-test');
    core = kubeConfigFromFile(cluster.kubeconfig).makeApiClient(CoreV1Api);
    // kwok runs no containers: every instance's traffic goes to one sample engine here.
    engine = await startSampleEngine();
    backend = await startGateway();
    await poolCounted(backend.server);
  }, 30 * 60_000);

  afterAll(async () => {
    await backend?.stop();
    await engine?.stop();
    cluster?.stop();
  }, 60_000);

  it('launches a pod, proxies to the engine, releases keeping the claim, and relaunches on the same claim', async () => {
    const launched = await api('post', '/instances').send({
      templateId: 'sample-engine',
      name: 'k8s',
    });
    expect(launched.status).toBe(201);
    const id = launched.body.id;
    await eventually(
      async () => expect((await stateOf(id)).state).toBe('running'),
      60_000,
    );

    const pod = await core.readNamespacedPod({
      name: `aigc-${id}`,
      namespace: NAMESPACE,
    });
    expect(pod.metadata?.labels?.['backstage.io/kubernetes-id']).toBe(
      `aigc-instance-${id}`,
    );
    expect(pod.spec?.nodeSelector).toEqual({
      'aigc-gateway.io/pool': 'rtx3090',
    });
    const claim = pod.spec?.volumes?.find(v => v.persistentVolumeClaim)
      ?.persistentVolumeClaim?.claimName;
    expect(claim).toMatch(/^aigc-vol-[0-9a-f-]+$/);

    const page = await api('get', `/instances/${id}/proxy/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sample Engine');

    await api('post', `/instances/${id}/release`);
    await eventually(
      async () => expect((await stateOf(id)).state).toBe('released'),
      30_000,
    );
    await expect(
      core.readNamespacedPod({ name: `aigc-${id}`, namespace: NAMESPACE }),
    ).rejects.toThrow();
    expect(
      (
        await core.readNamespacedPersistentVolumeClaim({
          name: claim!,
          namespace: NAMESPACE,
        })
      ).status?.phase,
    ).toBe('Bound');

    await api('post', `/instances/${id}/launch`);
    await eventually(
      async () => expect((await stateOf(id)).state).toBe('running'),
      60_000,
    );
    const again = await core.readNamespacedPod({
      name: `aigc-${id}`,
      namespace: NAMESPACE,
    });
    expect(
      again.spec?.volumes?.find(v => v.persistentVolumeClaim)
        ?.persistentVolumeClaim?.claimName,
    ).toBe(claim);
    await api('post', `/instances/${id}/release`);
    await eventually(
      async () => expect((await stateOf(id)).state).toBe('released'),
      30_000,
    );
  }, 180_000);

  it('queues a launch into a full pool, with the pool live from the nodes, and starts it when a GPU frees', async () => {
    const ids: string[] = [];
    for (const name of ['q1', 'q2', 'q3', 'q4']) {
      const res = await api('post', '/instances').send({
        templateId: 'sample-engine',
        name,
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const fifth = await api('post', '/instances').send({
      templateId: 'sample-engine',
      name: 'q5',
    });
    expect({ status: fifth.status, state: fifth.body.state }).toEqual({
      status: 202,
      state: 'queued',
    });
    const pools = (await api('get', '/pools')).body.items;
    expect(pools[0].capacity).toEqual({
      total: 4,
      used: 4,
      free: 0,
      queued: 1,
    });

    for (const id of ids)
      await eventually(
        async () => expect((await stateOf(id)).state).toBe('running'),
        60_000,
      );
    await api('post', `/instances/${ids[0]}/release`);
    await eventually(
      async () => expect((await stateOf(fifth.body.id)).state).toBe('running'),
      60_000,
    );
    for (const id of [...ids.slice(1), fifth.body.id])
      await api('post', `/instances/${id}/release`);
  }, 240_000);

  it('converges after the backend restarts mid-launch, and closes the usage of a pod deleted behind its back', async () => {
    const database = mkdtempSync(join(tmpdir(), 'aigc-k8s-restart-'));
    const first = await startGateway(database);
    await poolCounted(first.server);
    const launched = await request(first.server)
      .post('/api/aigc-gateway/instances')
      .set('Authorization', alice)
      .send({ templateId: 'sample-engine', name: 'restart' });
    expect({ status: launched.status, state: launched.body.state }).toEqual({
      status: 201,
      state: 'starting',
    });
    const id = launched.body.id;
    // The backend goes while the pod is still starting; its pod and its data stay.
    await first.stop();

    const second = await startGateway(database);
    try {
      const stateOn = async () =>
        (
          await request(second.server)
            .get(`/api/aigc-gateway/instances/${id}`)
            .set('Authorization', alice)
        ).body;
      await eventually(
        async () => expect((await stateOn()).state).toBe('running'),
        60_000,
      );
      expect(
        (
          await core.readNamespacedPod({
            name: `aigc-${id}`,
            namespace: NAMESPACE,
          })
        ).status?.phase,
      ).toBe('Running');

      await core.deleteNamespacedPod({
        name: `aigc-${id}`,
        namespace: NAMESPACE,
        gracePeriodSeconds: 0,
      });
      const failed = await eventually(async () => {
        const body = await stateOn();
        expect(body.state).toBe('failed');
        return body;
      }, 30_000);
      expect(failed.failureReason).toBe(
        `the pod aigc-${id} was deleted outside the gateway`,
      );
      const db = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(database, 'aigc-gateway.sqlite') },
        useNullAsDefault: true,
      });
      try {
        const intervals = await db('usage_intervals').where({
          instance_id: id,
        });
        expect(intervals.map(i => i.ended_at !== null)).toEqual([true]);
      } finally {
        await db.destroy();
      }
    } finally {
      await second.stop();
    }
  }, 180_000);
});
