import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { randomUUID } from 'node:crypto';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { kubeConfigFromFile } from '../cluster/kubeConfigFromFile';
import { createKubernetesRuntime } from '../runtime/createKubernetesRuntime';
import { pools, sampleVersion, startRequest } from '../__testUtils__/fixtures';
import { EventLog, eventually } from '../__testUtils__/events';
import { startGameServerStandIn } from '../__testUtils__/gameServerStandIn';
import { rbacClusterLocator } from '../__testUtils__/clusterLocator';
import {
  describeWithCluster,
  startTestCluster,
  TestCluster,
} from '../__testUtils__/testCluster';
import { GameServerSetRuntime } from './GameServerSetRuntime';
import { gameServerSetName } from './gameServerSetManifest';

const testClock = new TestClock();

const NAMESPACE = 'aigc-okg-test';
const placement = {
  templateId: 'sample-engine',
  version: sampleVersion,
  pool: pools.rtx3090,
};

/**
 * The OpenKruiseGame mode against the real API server with the real
 * GameServerSet CRD. OpenKruiseGame's controllers do not run: a stand-in
 * makes the pods the sets' scale asks for, so what the test checks of the
 * runtime is what it writes (sets the API server accepts, replicas and
 * reserved ids) and what it does with the pods that come of it.
 */
describeWithCluster('GameServerSetRuntime on a real control plane', () => {
  let cluster: TestCluster;
  let runtime: GameServerSetRuntime;
  let standIn: { stop(): Promise<void> };
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  const log = new EventLog();
  const setName = gameServerSetName(placement);

  const readSet = async () =>
    (await custom.getNamespacedCustomObject({
      group: 'game.kruise.io',
      version: 'v1alpha1',
      plural: 'gameserversets',
      namespace: NAMESPACE,
      name: setName,
    })) as any;
  const scale = async () => {
    const set = await readSet();
    return {
      replicas: set.spec.replicas,
      reserveGameServerIds: set.spec.reserveGameServerIds ?? [],
    };
  };
  const podNames = async () =>
    (
      await core.listNamespacedPod({
        namespace: NAMESPACE,
        labelSelector: 'game.kruise.io/owner-gss',
      })
    ).items
      .filter(p => !p.metadata!.deletionTimestamp)
      .map(p => p.metadata!.name!)
      .sort();

  beforeAll(async () => {
    cluster = startTestCluster('aigc-okg-test');
    const kubeConfig = kubeConfigFromFile(cluster.kubeconfig);
    custom = kubeConfig.makeApiClient(CustomObjectsApi);
    core = kubeConfig.makeApiClient(CoreV1Api);
    runtime = (await createKubernetesRuntime({
      config: new ConfigReader({
        aigcGateway: {
          engineOrigins: { port: 0, listenHost: '127.0.0.1' },
          runtime: {
            kubernetes: {
              mode: 'openkruise-game',
              kubeconfig: cluster.kubeconfig,
              namespace: NAMESPACE,
              createNamespace: true,
              volumeSize: '1Gi',
              stopGracePeriodSeconds: 0,
            },
          },
        },
      }),
      logger: mockServices.logger.mock(),
      clock: testClock,
      resolveEndpoint: () => ({ host: '127.0.0.1', port: 1 }),
    })) as GameServerSetRuntime;
    runtime.observe(log.listener);
    standIn = startGameServerStandIn(kubeConfig, NAMESPACE);
  }, 30 * 60_000);

  afterAll(async () => {
    await standIn?.stop();
    await runtime?.shutdown();
    cluster?.stop();
  }, 60_000);

  it('runs each user engine as one GameServer, scaling the set with reserved ids', async () => {
    expect(runtime).toBeInstanceOf(GameServerSetRuntime);
    // Three volumes of one version in one pool: ordinals 0, 1 and 2 of one set, which the API server accepts.
    const volumes = await Promise.all(
      [0, 1, 2].map(() => runtime.ensureVolume(randomUUID(), placement)),
    );
    expect(volumes.map(v => v.runtimeRef).sort()).toEqual(
      [0, 1, 2].map(n => `data-${setName}-${n}`),
    );
    const set = await readSet();
    expect(set.spec).toMatchObject({
      replicas: 0,
      scaleStrategy: { scaleDownStrategyType: 'ReserveIds' },
      persistentVolumeClaimRetentionPolicy: {
        whenScaled: 'Retain',
        whenDeleted: 'Retain',
      },
      gameServerTemplate: {
        metadata: {
          labels: {
            'aigc-gateway.io/pool': 'rtx3090',
            'aigc-gateway.io/game-server-set': setName,
          },
        },
        spec: { nodeSelector: { 'aigc-gateway.io/pool': 'rtx3090' } },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
    });
    const byOrdinal = [...volumes].sort((a, b) =>
      a.runtimeRef.localeCompare(b.runtimeRef),
    );
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const start = (n: number) =>
      runtime.start(
        startRequest(
          ids[n],
          byOrdinal[n].id,
          pools.rtx3090,
          sampleVersion,
          byOrdinal[n].runtimeRef,
        ),
      );

    // 0 and 2 run: 1 is reserved, so OpenKruiseGame makes exactly those two.
    await Promise.all([start(0), start(2)]);
    expect(await scale()).toEqual({ replicas: 2, reserveGameServerIds: [1] });
    for (const n of [0, 2])
      await log.waitFor(
        e => e.instanceId === ids[n] && e.phase === 'ready',
        `ready ${n}`,
      );
    expect(await podNames()).toEqual([`${setName}-0`, `${setName}-2`]);
    // Each pod is labelled with its instance, for Backstage's Kubernetes tab and the gateway's own watch.
    const pod0 = await core.readNamespacedPod({
      name: `${setName}-0`,
      namespace: NAMESPACE,
    });
    expect(pod0.metadata?.labels).toMatchObject({
      'aigc-gateway.io/instance': ids[0],
      'aigc-gateway.io/volume': byOrdinal[0].id,
      'backstage.io/kubernetes-id': `aigc-instance-${ids[0]}`,
      'aigc-gateway.io/owner-hash': expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(runtime.endpoint(ids[0])).toEqual({ host: '127.0.0.1', port: 1 });
    expect(
      (
        await core.readNamespacedService({
          name: `aigc-${ids[0]}`,
          namespace: NAMESPACE,
        })
      ).spec?.selector,
    ).toEqual({
      'aigc-gateway.io/instance': ids[0],
    });
    expect(runtime.poolSlots(pools.rtx3090)).toBe(4);
    expect((await runtime.list()).map(i => i.instanceId).sort()).toEqual(
      [ids[0], ids[2]].sort(),
    );

    await start(1);
    expect(await scale()).toEqual({ replicas: 3, reserveGameServerIds: [] });
    await log.waitFor(
      e => e.instanceId === ids[1] && e.phase === 'ready',
      'ready 1',
    );
    const claim1 = await core.readNamespacedPersistentVolumeClaim({
      name: `data-${setName}-1`,
      namespace: NAMESPACE,
    });

    // Releasing 1 reserves it: its GameServer goes, its claim stays.
    await runtime.stop(ids[1]);
    expect(await scale()).toEqual({ replicas: 2, reserveGameServerIds: [1] });
    await log.waitFor(
      e => e.instanceId === ids[1] && e.phase === 'stopped',
      'stopped 1',
    );
    expect(await podNames()).toEqual([`${setName}-0`, `${setName}-2`]);
    // Releasing the highest needs no reserved id below it any more.
    await runtime.stop(ids[2]);
    expect(await scale()).toEqual({ replicas: 1, reserveGameServerIds: [] });
    // Relaunching 1 brings back its GameServer on the same claim.
    await start(1);
    expect(await scale()).toEqual({ replicas: 2, reserveGameServerIds: [] });
    await eventually(
      async () =>
        expect(await podNames()).toEqual([`${setName}-0`, `${setName}-1`]),
      10_000,
    );
    expect(
      (
        await core.readNamespacedPersistentVolumeClaim({
          name: `data-${setName}-1`,
          namespace: NAMESPACE,
        })
      ).metadata?.uid,
    ).toBe(claim1.metadata?.uid);

    // An instance keeps its version and pool; its data cannot be deleted while it runs.
    await expect(
      runtime.start(
        startRequest(
          ids[1],
          byOrdinal[1].id,
          pools.a100,
          sampleVersion,
          byOrdinal[1].runtimeRef,
        ),
      ),
    ).rejects.toThrow(
      /in OpenKruiseGame mode an instance keeps its version and pool/,
    );
    await expect(runtime.deleteVolume(byOrdinal[1])).rejects.toThrow(
      /still runs; stop it before deleting its data/,
    );

    // Deleting the data of 2 frees its ordinal and claim for the next volume.
    await runtime.deleteVolume(byOrdinal[2]);
    // The claim goes once no pod uses it (the cluster's pvc-protection finalizer).
    await eventually(
      () =>
        expect(
          core.readNamespacedPersistentVolumeClaim({
            name: `data-${setName}-2`,
            namespace: NAMESPACE,
          }),
        ).rejects.toThrow(),
      15_000,
    );
    const next = await runtime.ensureVolume(randomUUID(), placement);
    expect(next.runtimeRef).toBe(`data-${setName}-2`);

    // With every engine stopped and every volume deleted, the set goes too.
    await runtime.stop(ids[0]);
    await runtime.stop(ids[1]);
    expect(await runtime.list()).toEqual([]);
    for (const volume of [byOrdinal[0], byOrdinal[1], next])
      await runtime.deleteVolume(volume);
    await expect(readSet()).rejects.toThrow();
    expect(await podNames()).toEqual([]);
  }, 120_000);

  it('works with only the rights of deploy/rbac.yaml', async () => {
    const kubeConfig = kubeConfigFromFile(cluster.kubeconfig);
    const { kubernetes, serviceAccountTokenFile } = await rbacClusterLocator(
      kubeConfig,
    );
    const limited = (await createKubernetesRuntime({
      config: new ConfigReader({
        kubernetes,
        aigcGateway: {
          engineOrigins: { port: 0, listenHost: '127.0.0.1' },
          runtime: {
            kubernetes: {
              mode: 'openkruise-game',
              cluster: 'gpu-cluster',
              serviceAccountTokenFile,
              stopGracePeriodSeconds: 0,
            },
          },
        },
      }),
      logger: mockServices.logger.mock(),
      clock: testClock,
    })) as GameServerSetRuntime;
    const limitedLog = new EventLog();
    limited.observe(limitedLog.listener);
    const controllers = startGameServerStandIn(kubeConfig, 'aigc-gateway');
    try {
      const volume = await limited.ensureVolume(randomUUID(), placement);
      const instanceId = randomUUID();
      await limited.start(
        startRequest(
          instanceId,
          volume.id,
          pools.rtx3090,
          sampleVersion,
          volume.runtimeRef,
        ),
      );
      // Ready needs the pod labelled with its instance: the account may patch pods.
      await limitedLog.waitFor(
        e => e.instanceId === instanceId && e.phase === 'ready',
        'ready with limited rights',
      );
      await limited.stop(instanceId);
      await limitedLog.waitFor(
        e => e.instanceId === instanceId && e.phase === 'stopped',
        'stopped with limited rights',
      );
      await limited.deleteVolume(volume);
      expect(await limited.list()).toEqual([]);
    } finally {
      await controllers.stop();
      await limited.shutdown();
    }
  }, 60_000);
});
