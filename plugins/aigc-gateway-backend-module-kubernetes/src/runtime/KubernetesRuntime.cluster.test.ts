import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Socket, connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CoreV1Api,
  BatchV1Api,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  V1Pod,
} from '@kubernetes/client-node';
import { mockServices } from '@backstage/backend-test-utils';
import { parseRuntimeConfig } from '../config/readRuntimeConfig';
import { kubeConfigFromFile } from '../cluster/kubeConfigFromFile';
import { isNotFound } from '../cluster/kubeErrors';
import { MANAGED_SELECTOR } from '../manifests/labels';
import { pools, sampleVersion, startRequest } from '../__testUtils__/fixtures';
import { EventLog, eventually } from '../__testUtils__/events';
import { startSampleEngine } from '../__testUtils__/sampleEngine';
import { startRbacRuntime } from '../__testUtils__/rbacRuntime';
import {
  describeWithCluster,
  startTestCluster,
  TestCluster,
} from '../__testUtils__/testCluster';
import { KubernetesRuntime } from './KubernetesRuntime';

const testClock = new TestClock();

const NAMESPACE = 'aigc-runtime-test';

describeWithCluster('KubernetesRuntime on a real control plane', () => {
  let cluster: TestCluster;
  let kubeConfig: KubeConfig;
  let core: CoreV1Api;
  let runtime: KubernetesRuntime;
  const log = new EventLog();
  const engines = new Map<string, number>();
  /** Instances started and not yet stopped, with their volume ids. */
  const running = new Map<string, string>();
  const volumes = new Set<string>();

  function newRuntime(config: object = {}): KubernetesRuntime {
    return new KubernetesRuntime({
      kubeConfig,
      config: parseRuntimeConfig({
        kubeconfig: cluster.kubeconfig,
        namespace: NAMESPACE,
        createNamespace: true,
        stopGracePeriodSeconds: 5,
        ...config,
      }),
      logger: mockServices.logger.mock(),
      clock: testClock,
      // kwok runs no containers: a test routes an instance to a local engine.
      resolveEndpoint: target => {
        const port = engines.get(target.instanceId);
        return port ? { host: '127.0.0.1', port } : undefined;
      },
    });
  }

  async function launch(pool = pools.rtx3090) {
    const instanceId = randomUUID();
    const volume = await runtime.ensureVolume(randomUUID());
    volumes.add(volume.id);
    await runtime.start(startRequest(instanceId, volume.id, pool));
    running.set(instanceId, volume.id);
    return { instanceId, volumeId: volume.id };
  }

  const readyEvent = (instanceId: string, timeoutMs?: number) =>
    log.waitFor(
      e => e.instanceId === instanceId && e.phase === 'ready',
      `${instanceId} ready`,
      timeoutMs,
    );

  async function stop(instanceId: string) {
    await runtime.stop(instanceId);
    running.delete(instanceId);
  }

  async function readPod(instanceId: string): Promise<V1Pod | undefined> {
    try {
      return await core.readNamespacedPod({
        name: `aigc-${instanceId}`,
        namespace: NAMESPACE,
      });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  beforeAll(async () => {
    cluster = startTestCluster('aigc-k8s-runtime-test');
    kubeConfig = kubeConfigFromFile(cluster.kubeconfig);
    core = kubeConfig.makeApiClient(CoreV1Api);
    runtime = newRuntime();
    runtime.observe(log.listener);
    await runtime.whenConnected();
  }, 30 * 60_000);

  afterAll(async () => {
    await runtime?.shutdown();
    cluster?.stop();
  }, 60_000);

  it('counts pool slots from the nodes, less what other workloads hold', async () => {
    expect(runtime.poolSlots(pools.a100)).toBe(16);
    expect(runtime.poolSlots({ ...pools.a100, gpusPerInstance: 3 })).toBe(4);
    expect(runtime.poolSlots(pools.rtx3090)).toBe(4);
    expect(runtime.poolSlots(pools.shared)).toBe(4);

    // A workload of someone else takes 3 GPUs of one A100 node.
    await core.createNamespace({ body: { metadata: { name: 'other-team' } } });
    await eventually(() =>
      core.readNamespacedServiceAccount({
        name: 'default',
        namespace: 'other-team',
      }),
    );
    await core.createNamespacedPod({
      namespace: 'other-team',
      body: {
        metadata: { name: 'training' },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': 'aigc-a100-0' },
          containers: [
            {
              name: 'train',
              image: 'example.invalid/train',
              resources: { limits: { 'nvidia.com/gpu': '3' } },
            },
          ],
        },
      },
    });
    await eventually(() => expect(runtime.poolSlots(pools.a100)).toBe(13));
    expect(runtime.poolSlots({ ...pools.a100, gpusPerInstance: 3 })).toBe(3);

    // Watching only its own namespace, a runtime cannot see that workload.
    const narrow = newRuntime({ capacityScope: 'namespace' });
    try {
      await narrow.whenConnected();
      expect(narrow.poolSlots(pools.a100)).toBe(16);
    } finally {
      await narrow.shutdown();
    }

    await core.deleteNamespacedPod({
      name: 'training',
      namespace: 'other-team',
    });
    await eventually(() => expect(runtime.poolSlots(pools.a100)).toBe(16));
  });

  it('starts an engine: pod, claim and service, labelled, then ready', async () => {
    const { instanceId, volumeId } = await launch();
    const ready = await readyEvent(instanceId);
    expect(ready.reason).toMatch(/^ready on aigc-rtx3090-\d$/);
    expect(log.of(instanceId)[0].phase).toBe('scheduling');

    const pod = (await readPod(instanceId))!;
    const labels = {
      'app.kubernetes.io/managed-by': 'aigc-gateway',
      'aigc-gateway.io/instance': instanceId,
      'aigc-gateway.io/template': 'sample-engine',
      'aigc-gateway.io/version': '2.0.0',
      'aigc-gateway.io/pool': 'rtx3090',
      'backstage.io/kubernetes-id': `aigc-instance-${instanceId}`,
    };
    expect(pod.metadata!.labels).toMatchObject(labels);
    expect(pod.metadata!.labels!['aigc-gateway.io/owner-hash']).toMatch(
      /^[0-9a-f]{16}$/,
    );
    expect(pod.spec!.containers[0].resources!.limits).toEqual({
      'nvidia.com/gpu': '1',
    });
    expect(pod.spec!.volumes![0].persistentVolumeClaim!.claimName).toBe(
      `aigc-vol-${volumeId}`,
    );
    const service = await core.readNamespacedService({
      name: `aigc-${instanceId}`,
      namespace: NAMESPACE,
    });
    expect(service.metadata!.labels).toMatchObject(labels);
    const claim = await core.readNamespacedPersistentVolumeClaim({
      name: `aigc-vol-${volumeId}`,
      namespace: NAMESPACE,
    });
    expect(claim.metadata!.labels).toMatchObject(labels);
    expect(claim.status!.phase).toBe('Bound');

    expect(await runtime.list()).toContainEqual({ instanceId, phase: 'ready' });
    // Start is idempotent: a retry changes nothing.
    await runtime.start(startRequest(instanceId, volumeId, pools.rtx3090));
    expect((await readPod(instanceId))!.metadata!.uid).toBe(pod.metadata!.uid);
    // Another version needs a stop first.
    await expect(
      runtime.start(
        startRequest(instanceId, volumeId, pools.rtx3090, {
          ...sampleVersion,
          version: '2.1.0',
        }),
      ),
    ).rejects.toThrow(
      `instance ${instanceId} already runs version 2.0.0 in pool rtx3090; stop it before starting version 2.1.0 in pool rtx3090`,
    );
  });

  it('gives the Service name as endpoint, or where a hook routes it', async () => {
    const [instanceId] = [...running.keys()];
    expect(runtime.endpoint(instanceId)).toEqual({
      host: `aigc-${instanceId}.${NAMESPACE}.svc.cluster.local`,
      port: 7860,
    });
    const engine = await startSampleEngine();
    try {
      engines.set(instanceId, engine.port);
      const endpoint = runtime.endpoint(instanceId)!;
      expect(endpoint).toEqual({ host: '127.0.0.1', port: engine.port });
      const res = await fetch(
        `http://${endpoint.host}:${endpoint.port}/internal/ping`,
      );
      expect(res.status).toBe(200);
    } finally {
      engines.delete(instanceId);
      await engine.stop();
    }
    expect(runtime.endpoint(randomUUID())).toBeUndefined();
  });

  it('stops: the pod and service go, the claim stays; a start mounts the same claim', async () => {
    const [[instanceId, volumeId]] = [...running.entries()];
    await stop(instanceId);
    expect(log.of(instanceId).at(-1)).toMatchObject({
      phase: 'stopped',
      reason: 'engine stopped',
    });
    expect(await readPod(instanceId)).toBeUndefined();
    await expect(
      core.readNamespacedService({
        name: `aigc-${instanceId}`,
        namespace: NAMESPACE,
      }),
    ).rejects.toMatchObject({ code: 404 });
    const claim = await core.readNamespacedPersistentVolumeClaim({
      name: `aigc-vol-${volumeId}`,
      namespace: NAMESPACE,
    });
    expect(claim.status!.phase).toBe('Bound');
    expect(await runtime.list()).not.toContainEqual(
      expect.objectContaining({ instanceId }),
    );
    // Stop is idempotent.
    await runtime.stop(instanceId);

    const readyBefore = log
      .of(instanceId)
      .filter(e => e.phase === 'ready').length;
    await runtime.start(startRequest(instanceId, volumeId, pools.rtx3090));
    running.set(instanceId, volumeId);
    await eventually(() =>
      expect(log.of(instanceId).filter(e => e.phase === 'ready')).toHaveLength(
        readyBefore + 1,
      ),
    );
    const pod = (await readPod(instanceId))!;
    expect(pod.spec!.volumes![0].persistentVolumeClaim!.claimName).toBe(
      `aigc-vol-${volumeId}`,
    );
    const again = await core.readNamespacedPersistentVolumeClaim({
      name: `aigc-vol-${volumeId}`,
      namespace: NAMESPACE,
    });
    expect(again.metadata!.uid).toBe(claim.metadata!.uid);
  });

  it('reports a full pool as waiting for a GPU, and starts the waiting one when a GPU frees', async () => {
    const started = [];
    while (running.size < 4) started.push(await launch());
    await Promise.all([...running.keys()].map(id => readyEvent(id)));
    expect(runtime.poolSlots(pools.rtx3090)).toBe(4);

    const fifth = await launch();
    const waiting = await log.waitFor(
      e =>
        e.instanceId === fifth.instanceId && /waiting for a GPU/.test(e.reason),
      'fifth waits for a GPU',
    );
    expect(waiting.phase).toBe('scheduling');
    expect(waiting.reason).toMatch(
      /^waiting for a GPU in pool Office RTX 3090 \(0\/8 nodes are available: 4 Insufficient nvidia\.com\/gpu/,
    );
    expect(await runtime.list()).toContainEqual({
      instanceId: fifth.instanceId,
      phase: 'scheduling',
    });
    expect(runtime.endpoint(fifth.instanceId)).toBeUndefined();
    // Own instances are room the lifecycle counts; the pool still has 4 slots.
    expect(runtime.poolSlots(pools.rtx3090)).toBe(4);

    await stop(started[0].instanceId);
    await readyEvent(fifth.instanceId, 60_000);
  });

  it('places a shared-GPU instance by GPU memory', async () => {
    const { instanceId } = await launch(pools.shared);
    await readyEvent(instanceId);
    const pod = (await readPod(instanceId))!;
    expect(pod.spec!.nodeName).toMatch(/^aigc-shared-/);
    expect(pod.spec!.containers[0].resources!.limits).toEqual({
      'aigc-gateway.io/gpu-memory-gib': '24',
    });
    expect(runtime.poolSlots(pools.shared)).toBe(4);
    await stop(instanceId);
  });

  it('lets engine pods take traffic only from labelled pods or the configured peers, and reach only DNS and public addresses', async () => {
    const networking = kubeConfig.makeApiClient(NetworkingV1Api);
    const read = () =>
      networking.readNamespacedNetworkPolicy({
        name: 'aigc-gateway-engines',
        namespace: NAMESPACE,
      });
    const backend = [
      {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': 'backstage' },
        },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'backstage' } },
      },
    ];
    // On by default: only pods with the engine-access label get in.
    expect((await read()).spec!.ingress).toEqual([
      {
        _from: [
          {
            namespaceSelector: {},
            podSelector: {
              matchLabels: { 'aigc-gateway.io/engine-access': 'true' },
            },
          },
        ],
      },
    ]);
    const guarded = newRuntime({ networkPolicy: { from: backend } });
    await guarded.whenConnected();
    const policy = await read();
    expect({
      types: policy.spec!.policyTypes,
      ingress: policy.spec!.ingress,
    }).toEqual({ types: ['Ingress', 'Egress'], ingress: [{ _from: backend }] });
    // Out: DNS, and public addresses only (no cluster, portal or metadata endpoint).
    expect(policy.spec!.egress).toEqual([
      {
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      {
        to: [
          {
            ipBlock: {
              cidr: '0.0.0.0/0',
              except: [
                '10.0.0.0/8',
                '172.16.0.0/12',
                '192.168.0.0/16',
                '100.64.0.0/10',
                '169.254.0.0/16',
                '127.0.0.0/8',
              ],
            },
          },
        ],
      },
    ]);

    // Its selector, as the API server evaluates it, picks the engine pods.
    const { matchLabels, matchExpressions } = policy.spec!.podSelector!;
    const selector = [
      ...Object.entries(matchLabels!).map(([k, v]) => `${k}=${v}`),
      ...matchExpressions!.map(e => e.key),
    ].join(',');
    const selected = (
      await core.listNamespacedPod({
        namespace: NAMESPACE,
        labelSelector: selector,
      })
    ).items.map(p => p.metadata!.name);
    expect(selected.sort()).toEqual(
      [...running.keys()].map(id => `aigc-${id}`).sort(),
    );

    // Other peers in config replace the policy's.
    const ingressController = [
      {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
        },
      },
    ];
    // A model mirror of the company's own, in place of the internet.
    const mirror = [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }] }];
    const changed = newRuntime({
      networkPolicy: {
        from: [...backend, ...ingressController],
        egress: mirror,
      },
    });
    await changed.whenConnected();
    const replaced = await read();
    expect(replaced.spec!.ingress).toEqual([
      { _from: [...backend, ...ingressController] },
    ]);
    expect(replaced.spec!.egress).toEqual(mirror);
    await Promise.all([guarded.shutdown(), changed.shutdown()]);
  });

  it('reports a pod deleted behind its back as crashed', async () => {
    const [instanceId] = [...running.keys()];
    await core.deleteNamespacedPod({
      name: `aigc-${instanceId}`,
      namespace: NAMESPACE,
      gracePeriodSeconds: 0,
    });
    running.delete(instanceId);
    const crashed = await log.waitFor(
      e => e.instanceId === instanceId && e.phase === 'crashed',
      'crashed after the deletion',
    );
    expect(crashed.reason).toBe(
      `the pod aigc-${instanceId} was deleted outside the gateway`,
    );
    expect(await runtime.list()).not.toContainEqual(
      expect.objectContaining({ instanceId }),
    );
  });

  it('counts an engine stuck pulling its image past the start deadline as crashed', async () => {
    const { instanceId } = await launch();
    await readyEvent(instanceId);
    const strict = newRuntime({ startTimeoutSeconds: 2 });
    const strictLog = new EventLog();
    strict.observe(strictLog.listener);
    try {
      await strict.whenConnected();
      const pod = (await readPod(instanceId))!;
      // What the kubelet reports of an image it cannot pull; kwok pulls nothing, so the test writes it.
      await core.patchNamespacedPodStatus(
        {
          name: pod.metadata!.name!,
          namespace: NAMESPACE,
          body: {
            status: {
              conditions: [
                ...pod.status!.conditions!.filter(
                  c => c.type === 'PodScheduled',
                ),
                {
                  type: 'Ready',
                  status: 'False',
                  lastTransitionTime: new Date(),
                },
              ],
              containerStatuses: [
                {
                  name: 'engine',
                  image: pod.spec!.containers[0].image!,
                  imageID: '',
                  ready: false,
                  restartCount: 0,
                  state: {
                    waiting: {
                      reason: 'ImagePullBackOff',
                      message: 'Back-off pulling image',
                    },
                  },
                },
              ],
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await log.waitFor(
        e => e.instanceId === instanceId && e.phase === 'pulling',
        'pulling on the lenient runtime',
      );
      const crashed = await strictLog.waitFor(
        e => e.instanceId === instanceId && e.phase === 'crashed',
        'crashed past the deadline',
      );
      expect(crashed.reason).toMatch(
        /^the engine was not ready 2 s after it was placed on aigc-rtx3090-\d: cannot pull registry.example.com\/aigc\/sample-engine:2.0.0 on aigc-rtx3090-\d yet \(ImagePullBackOff\): Back-off pulling image$/,
      );
      expect(await strict.list()).toContainEqual({
        instanceId,
        phase: 'crashed',
      });
    } finally {
      await strict.shutdown();
      await stop(instanceId);
    }
  });

  it('adopts the running pods after a restart of the backend', async () => {
    await runtime.shutdown();
    const adoptedLog = new EventLog();
    runtime = newRuntime();
    runtime.observe(adoptedLog.listener);
    runtime.observe(log.listener);
    await runtime.whenConnected();

    const listed = await runtime.list();
    expect(listed.map(s => s.instanceId).sort()).toEqual(
      [...running.keys()].sort(),
    );
    expect(listed.every(s => s.phase === 'ready')).toBe(true);
    for (const id of running.keys()) {
      expect(adoptedLog.of(id).map(e => e.phase)).toEqual(['ready']);
      expect(runtime.endpoint(id)?.port).toBe(7860);
    }
    expect(runtime.poolSlots(pools.rtx3090)).toBe(4);
  });

  it('deletes volumes: nothing labelled by the gateway is left', async () => {
    await Promise.all([...running.keys()].map(id => stop(id)));
    for (const id of volumes) {
      await runtime.deleteVolume({ id, runtimeRef: `aigc-vol-${id}` });
    }
    // Deleting a deleted volume is fine; something that is not a claim of ours is refused.
    await runtime.deleteVolume({
      id: 'x',
      runtimeRef: `aigc-vol-${[...volumes][0]}`,
    });
    await expect(
      runtime.deleteVolume({ id: 'x', runtimeRef: 'data-of-someone' }),
    ).rejects.toThrow(/refusing to delete data-of-someone/);

    const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
    const labelSelector = MANAGED_SELECTOR;
    await eventually(async () => {
      const left = [
        ...(await core.listPodForAllNamespaces({ labelSelector })).items,
        ...(await core.listServiceForAllNamespaces({ labelSelector })).items,
        ...(
          await core.listPersistentVolumeClaimForAllNamespaces({
            labelSelector,
          })
        ).items,
        ...(await core.listEndpointsForAllNamespaces({ labelSelector })).items,
        ...(
          await discovery.listEndpointSliceForAllNamespaces({ labelSelector })
        ).items,
        ...(await core.listConfigMapForAllNamespaces({ labelSelector })).items,
        ...(await core.listSecretForAllNamespaces({ labelSelector })).items,
        ...(
          await kubeConfig
            .makeApiClient(BatchV1Api)
            .listJobForAllNamespaces({ labelSelector })
        ).items,
        ...(
          await kubeConfig
            .makeApiClient(NetworkingV1Api)
            .listIngressForAllNamespaces({ labelSelector })
        ).items,
      ].map(
        o => `${o.kind ?? ''} ${o.metadata!.namespace}/${o.metadata!.name}`,
      );
      expect(left).toEqual([]);
    }, 60_000);
    expect(await runtime.list()).toEqual([]);
  });

  it('works through a cluster of kubernetes.clusterLocatorMethods with only the rights of deploy/rbac.yaml', async () => {
    const { backend, runtime: viaLocator } = await startRbacRuntime(kubeConfig);
    try {
      expect(viaLocator).toBeInstanceOf(KubernetesRuntime);
      const events = new EventLog();
      viaLocator.observe(events.listener);
      expect(viaLocator.poolSlots(pools.a100)).toBe(16);

      const instanceId = randomUUID();
      const volume = await viaLocator.ensureVolume(randomUUID());
      await viaLocator.start(
        startRequest(instanceId, volume.id, pools.rtx3090),
      );
      await events.waitFor(
        e => e.instanceId === instanceId && e.phase === 'ready',
        'ready',
      );
      expect(await viaLocator.list()).toEqual([{ instanceId, phase: 'ready' }]);
      const networking = kubeConfig.makeApiClient(NetworkingV1Api);
      expect(
        (
          await networking.readNamespacedIngress({
            name: `aigc-${instanceId}`,
            namespace: 'aigc-gateway',
          })
        ).spec?.rules?.[0].host,
      ).toBe(`${instanceId}.engines.test`);
      await viaLocator.stop(instanceId);
      await expect(
        networking.readNamespacedIngress({
          name: `aigc-${instanceId}`,
          namespace: 'aigc-gateway',
        }),
      ).rejects.toThrow();
      await viaLocator.deleteVolume(volume);
      expect(await viaLocator.list()).toEqual([]);
    } finally {
      // The gateway plugin shuts its runtime down; here the test does.
      await viaLocator.shutdown();
      await backend.stop();
    }
  });

  it('connects once the API server answers, and follows again after its watches break', async () => {
    // A TCP relay to the API server that is not listening yet, and can cut every connection.
    const apiServer = new URL(kubeConfig.getCurrentCluster()!.server);
    const sockets = new Set<Socket>();
    const relay = createServer(client => {
      const upstream = connectTcp(Number(apiServer.port), apiServer.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>(r => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as { port: number }).port;
    await new Promise(r => relay.close(r));

    const file = join(
      mkdtempSync(join(tmpdir(), 'aigc-relay-')),
      'kubeconfig.yaml',
    );
    writeFileSync(
      file,
      readFileSync(cluster.kubeconfig, 'utf8').replace(
        apiServer.origin,
        `https://127.0.0.1:${port}`,
      ),
    );
    const relayed = new KubernetesRuntime({
      kubeConfig: kubeConfigFromFile(file),
      config: parseRuntimeConfig({
        kubeconfig: file,
        namespace: NAMESPACE,
        connectTimeoutSeconds: 1,
      }),
      logger: mockServices.logger.mock(),
      clock: testClock,
    });
    const events = new EventLog();
    relayed.observe(events.listener);
    try {
      await expect(relayed.list()).rejects.toThrow(
        new RegExp(
          `^cannot reach the Kubernetes API server at https://127.0.0.1:${port}: .*ECONNREFUSED`,
        ),
      );
      await new Promise<void>(r => relay.listen(port, '127.0.0.1', r));
      await eventually(() => relayed.list(), 30_000);
      expect(relayed.poolSlots(pools.rtx3090)).toBe(4);

      sockets.forEach(s => s.destroy());
      const { instanceId, volumeId } = await launch();
      await events.waitFor(
        e => e.instanceId === instanceId && e.phase === 'ready',
        'ready through the relay',
      );
      await stop(instanceId);
      // Another runtime deleted it: to this one, as to a second backend replica, that is a crash.
      await events.waitFor(
        e => e.instanceId === instanceId && e.phase === 'crashed',
        'gone through the relay',
      );
      await runtime.deleteVolume({
        id: volumeId,
        runtimeRef: `aigc-vol-${volumeId}`,
      });
    } finally {
      await relayed.shutdown();
      sockets.forEach(s => s.destroy());
      await new Promise(r => relay.close(r));
    }
  });
});
