import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  V1Job,
} from '@kubernetes/client-node';
// The module is tested inside the gateway plugin it extends, as a portal runs it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import aigcGatewayPlugin from '@aigc-gateway/backstage-plugin-aigc-gateway-backend';
import request from 'supertest';
import { kubeConfigFromFile } from './cluster/kubeConfigFromFile';
import aigcGatewayModuleKubernetes from './index';
import { eventually } from './__testUtils__/events';
import { startSampleEngine } from './__testUtils__/sampleEngine';
import {
  describeWithCluster,
  startTestCluster,
  TestCluster,
} from './__testUtils__/testCluster';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

/** Runs on from a fixed Monday morning, also across restarts of the backend. */
const testClock = new TestClock();

const alice = mockCredentials.user.header('user:default/alice');
const SNAPSHOT_CLASS = 'aigc-test-snapshots';
const snapshots = {
  group: 'snapshot.storage.k8s.io',
  version: 'v1',
  plural: 'volumesnapshots',
};

/** A migration Job of the sample engine's migration image. */
const migration = (
  fromLayout: number,
  toLayout: number,
  extra: object = {},
) => ({
  fromLayout,
  toLayout,
  kubernetes: {
    image: 'registry.example.com/aigc/sample-engine-migrate:2',
    args: ['--data', '${dataDir}', '--to', String(toLayout)],
    ...extra,
  },
});

const version = (v: string, dataLayout: number, migrations: object[] = []) => ({
  version: v,
  dataLayout,
  pools: ['rtx3090'],
  migrations,
  runtime: {
    kubernetes: {
      image: `registry.example.com/aigc/sample-engine:${v}`,
      args: ['--data', '${dataDir}'],
      readinessPath: '/internal/ping',
      mountPath: '/data',
    },
  },
});

const versions = [
  version('1.0.0', 1),
  version('2.0.0', 2, [migration(1, 2), migration(2, 1)]),
  // 2 → 3 is placed on no node, so the control plane fails it at its deadline; 3 → 2 undoes it.
  version('3.0.0', 3, [
    migration(2, 3, {
      timeoutSeconds: 3,
      podSpecPatch: { nodeSelector: { 'aigc-gateway.io/pool': 'nowhere' } },
    }),
    migration(3, 2),
  ]),
  // Irreversible: nothing takes layout 4 back.
  version('4.0.0', 4, [migration(2, 4)]),
];

/** Version switches on the Kubernetes runtime: migration Jobs, snapshots or reversed migrations. */
describeWithCluster('version switches on the Kubernetes runtime', () => {
  let cluster: TestCluster;
  let engine: { port: number; stop(): Promise<void> };
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    cluster = startTestCluster('aigc-k8s-switch-test');
    const kubeConfig = kubeConfigFromFile(cluster.kubeconfig);
    core = kubeConfig.makeApiClient(CoreV1Api);
    batch = kubeConfig.makeApiClient(BatchV1Api);
    custom = kubeConfig.makeApiClient(CustomObjectsApi);
    await custom.createClusterCustomObject({
      group: snapshots.group,
      version: snapshots.version,
      plural: 'volumesnapshotclasses',
      body: {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshotClass',
        metadata: { name: SNAPSHOT_CLASS },
        driver: 'hostpath.csi.k8s.io',
        deletionPolicy: 'Delete',
      },
    });
    engine = await startSampleEngine();
  }, 30 * 60_000);

  afterAll(async () => {
    await engine?.stop();
    cluster?.stop();
  }, 60_000);

  /** The gateway with engines in `namespace`, and the API as alice calls it. */
  async function gateway(namespace: string, kubernetes: object = {}) {
    const backend = await startTestBackend({
      features: [
        testClock.factory(),
        aigcGatewayPlugin,
        aigcGatewayModuleKubernetes,
        mockServices.rootConfig.factory({
          data: {
            aigcGateway: {
              engineOrigins: { port: 0, listenHost: '127.0.0.1' },
              runtime: {
                kubernetes: {
                  kubeconfig: cluster.kubeconfig,
                  namespace,
                  createNamespace: true,
                  volumeSize: '1Gi',
                  stopGracePeriodSeconds: 0,
                  endpointOverride: { '*': `127.0.0.1:${engine.port}` },
                  ...kubernetes,
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
                  versions,
                },
              ],
            },
          },
        }),
      ],
    });
    const api = (method: 'get' | 'post' | 'delete', path: string) =>
      request(backend.server)
        [method](`/api/aigc-gateway${path}`)
        .set('Authorization', alice);
    // The runtime's node watch has counted the pool's GPUs.
    await eventually(
      async () =>
        expect((await api('get', '/pools')).body.items[0].capacity.total).toBe(
          4,
        ),
      30_000,
    );
    const waitFor = (id: string, state: string) =>
      eventually(async () => {
        const { body } = await api('get', `/instances/${id}`);
        expect(body.state).toBe(state);
        return body;
      }, 60_000);
    /** A released instance on `version`, and its claim's name. */
    const released = async (v: string, name: string) => {
      const { body } = await api('post', '/instances').send({
        templateId: 'sample-engine',
        version: v,
        name,
      });
      await waitFor(body.id, 'running');
      const pod = await core.readNamespacedPod({
        name: `aigc-${body.id}`,
        namespace,
      });
      await api('post', `/instances/${body.id}/release`);
      await waitFor(body.id, 'released');
      return {
        id: body.id as string,
        claim: pod.spec!.volumes!.find(v2 => v2.persistentVolumeClaim)!
          .persistentVolumeClaim!.claimName,
      };
    };
    /** Every Job the gateway creates in the namespace while `during` runs. */
    const jobsDuring = async <T>(during: () => Promise<T>) => {
      const before = new Set(
        (await batch.listNamespacedJob({ namespace })).items.map(
          j => j.metadata!.name,
        ),
      );
      const seen = new Map<string, V1Job>();
      let watching = true;
      const watch = (async () => {
        while (watching) {
          for (const job of (await batch.listNamespacedJob({ namespace }))
            .items) {
            if (!before.has(job.metadata!.name))
              seen.set(job.metadata!.name!, job);
          }
          await new Promise(r => setTimeout(r, 100));
        }
      })();
      try {
        const result = await during();
        return { result, jobs: [...seen.values()] };
      } finally {
        watching = false;
        await watch;
      }
    };
    const leftovers = async () => ({
      jobs: (await batch.listNamespacedJob({ namespace })).items.map(
        j => j.metadata!.name,
      ),
      snapshots: (
        (await custom.listNamespacedCustomObject({
          ...snapshots,
          namespace,
        })) as { items: Array<{ metadata: { name: string } }> }
      ).items.map(s => s.metadata.name),
    });
    return { backend, api, waitFor, released, jobsDuring, leftovers };
  }

  it('without a snapshot class: migrates with a Job, reverses a failed migration, and refuses one that cannot be reversed', async () => {
    const namespace = 'aigc-switch-plain';
    const { backend, api, waitFor, released, jobsDuring, leftovers } =
      await gateway(namespace);
    try {
      const { id, claim } = await released('1.0.0', 'plain');

      // 1 → 2: a Job mounts the claim where 2.0.0 mounts it, and the instance is pinned to 2.0.0.
      const { result: switched, jobs } = await jobsDuring(async () => {
        expect(
          (
            await api('post', `/instances/${id}/switch-version`).send({
              version: '2.0.0',
            })
          ).status,
        ).toBe(202);
        return waitFor(id, 'released');
      });
      expect({
        version: switched.version,
        failureReason: switched.failureReason,
      }).toEqual({ version: '2.0.0', failureReason: undefined });
      expect(jobs).toHaveLength(1);
      const pod = jobs[0].spec!.template.spec!;
      expect({
        deadline: jobs[0].spec!.activeDeadlineSeconds,
        backoffLimit: jobs[0].spec!.backoffLimit,
        image: pod.containers[0].image,
        args: pod.containers[0].args,
        mount: pod.containers[0].volumeMounts,
        claim: pod.volumes![0].persistentVolumeClaim!.claimName,
        env: pod.containers[0].env!.filter(e => e.name !== 'TARGET_VERSION'),
      }).toEqual({
        deadline: 1800,
        backoffLimit: 0,
        image: 'registry.example.com/aigc/sample-engine-migrate:2',
        args: ['--data', '/data', '--to', '2'],
        mount: [{ name: 'data', mountPath: '/data' }],
        claim,
        env: [
          { name: 'DATA_DIR', value: '/data' },
          { name: 'FROM_LAYOUT', value: '1' },
          { name: 'TO_LAYOUT', value: '2' },
        ],
      });

      // An irreversible migration is refused up front: there would be no way back.
      const refused = await api('post', `/instances/${id}/switch-version`).send(
        { version: '4.0.0' },
      );
      expect([refused.status, refused.body.error.message]).toEqual([
        400,
        'the kubernetes runtime cannot copy volumes aside (no snapshot class), so every migration must be reversible: declare one from layout 4 to 2',
      ]);

      // 2 → 3 fails at its deadline; 3 → 2 runs to undo it, and the instance stays on 2.0.0.
      const { result: failed, jobs: undoJobs } = await jobsDuring(async () => {
        await api('post', `/instances/${id}/switch-version`).send({
          version: '3.0.0',
        });
        return waitFor(id, 'released');
      });
      expect(failed.version).toBe('2.0.0');
      expect(failed.failureReason).toMatch(
        /^switching to version 3\.0\.0 failed: the migration from layout 2 to 3 failed \(Job aigc-migrate-[0-9a-f]{8}-2-3-[0-9a-f]{6}: DeadlineExceeded, Job was active longer than specified deadline\); its migrations were reversed$/,
      );
      expect(
        undoJobs.map(j => j.spec!.template.spec!.containers[0].args),
      ).toEqual([
        ['--data', '/data', '--to', '3'],
        ['--data', '/data', '--to', '2'],
      ]);
      expect(await leftovers()).toEqual({ jobs: [], snapshots: [] });

      await api('delete', `/instances/${id}?deleteData=true`).expect(204);
      await eventually(
        async () =>
          expect(
            (
              await core.listNamespacedPersistentVolumeClaim({ namespace })
            ).items,
          ).toEqual([]),
        30_000,
      );
    } finally {
      await backend.stop();
    }
  }, 300_000);

  it('with a snapshot class: snapshots first, drops the snapshot after a success, restores the claim from it after a failure', async () => {
    const namespace = 'aigc-switch-snapshots';
    const { backend, api, waitFor, released, leftovers } = await gateway(
      namespace,
      { snapshotClass: SNAPSHOT_CLASS },
    );
    try {
      const { id, claim } = await released('1.0.0', 'snap');
      await api('post', `/instances/${id}/switch-version`).send({
        version: '2.0.0',
      });
      expect((await waitFor(id, 'released')).version).toBe('2.0.0');
      expect(await leftovers()).toEqual({ jobs: [], snapshots: [] });

      // Even an irreversible migration may run: the snapshot is the way back.
      const before = await core.readNamespacedPersistentVolumeClaim({
        name: claim,
        namespace,
      });
      await api('post', `/instances/${id}/switch-version`).send({
        version: '3.0.0',
      });
      const failed = await waitFor(id, 'released');
      expect(failed.version).toBe('2.0.0');
      expect(failed.failureReason).toMatch(
        /DeadlineExceeded.*; the data was restored$/,
      );
      const restored = await core.readNamespacedPersistentVolumeClaim({
        name: claim,
        namespace,
      });
      expect(restored.metadata!.uid).not.toBe(before.metadata!.uid);
      const { snapshots: kept } = await leftovers();
      expect(kept).toEqual([expect.stringMatching(/^aigc-backup-/)]);
      expect(restored.spec!.dataSource).toEqual({
        apiGroup: 'snapshot.storage.k8s.io',
        kind: 'VolumeSnapshot',
        name: kept[0],
      });
      expect(
        restored.metadata!.annotations!['aigc-gateway.io/restored-from'],
      ).toBe(kept[0]);
      const snapshot = (await custom.getNamespacedCustomObject({
        ...snapshots,
        namespace,
        name: kept[0],
      })) as any;
      expect(snapshot.spec).toEqual({
        volumeSnapshotClassName: SNAPSHOT_CLASS,
        source: { persistentVolumeClaimName: claim },
      });

      // Deleting the instance with its data takes the claim and its snapshot.
      await api('delete', `/instances/${id}?deleteData=true`).expect(204);
      await eventually(async () => {
        expect(
          (await core.listNamespacedPersistentVolumeClaim({ namespace })).items,
        ).toEqual([]);
        expect(await leftovers()).toEqual({ jobs: [], snapshots: [] });
      }, 30_000);
    } finally {
      await backend.stop();
    }
  }, 300_000);
});
