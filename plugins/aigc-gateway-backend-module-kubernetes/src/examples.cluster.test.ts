import { randomUUID } from 'node:crypto';
import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
} from '@kubernetes/client-node';
import { kubeConfigFromFile } from './cluster/kubeConfigFromFile';
import { pools, startRequest } from './__testUtils__/fixtures';
import { EventLog } from './__testUtils__/events';
import { exampleKubernetesVersions } from './__testUtils__/exampleEngines';
import { startRbacRuntime } from './__testUtils__/rbacRuntime';
import {
  describeWithCluster,
  startTestCluster,
  TestCluster,
} from './__testUtils__/testCluster';
import { KubernetesRuntime } from './runtime/KubernetesRuntime';

const NAMESPACE = 'aigc-gateway';
const versions = exampleKubernetesVersions();

/**
 * Every engine definition in examples/engines, started by the Kubernetes
 * runtime with only the rights of deploy/rbac.yaml: its pod (with its pod
 * spec patches), claim, Service and Ingress are accepted by the API server
 * and the pod reaches running under kwok, which runs no containers.
 */
describeWithCluster('the example engines on the test cluster', () => {
  let cluster: TestCluster;
  let kubeConfig: KubeConfig;
  let backend: Awaited<ReturnType<typeof startRbacRuntime>>['backend'];
  let runtime: KubernetesRuntime;
  const events = new EventLog();

  beforeAll(async () => {
    cluster = startTestCluster('aigc-k8s-examples-test');
    kubeConfig = kubeConfigFromFile(cluster.kubeconfig);
    // The examples' liveness probes and sidecars are patches.
    ({ backend, runtime } = await startRbacRuntime(kubeConfig, {
      allowPodSpecPatch: true,
    }));
    runtime.observe(events.listener);
    await runtime.whenConnected();
  }, 30 * 60_000);

  afterAll(async () => {
    await runtime?.shutdown();
    await backend?.stop();
    cluster?.stop();
  }, 60_000);

  it.each(versions)(
    '%s: pod, claim, Service and Ingress created, the pod running',
    async (_name, templateId, version) => {
      const core = kubeConfig.makeApiClient(CoreV1Api);
      const networking = kubeConfig.makeApiClient(NetworkingV1Api);
      const instanceId = randomUUID();
      const volume = await runtime.ensureVolume(randomUUID());
      await runtime.start({
        ...startRequest(
          instanceId,
          volume.id,
          pools.a100,
          version,
          volume.runtimeRef,
        ),
        templateId,
      });
      await events.waitFor(
        e => e.instanceId === instanceId && e.phase === 'ready',
        `${templateId} ${version.version} ready`,
      );
      const name = `aigc-${instanceId}`;
      const pod = await core.readNamespacedPod({ name, namespace: NAMESPACE });
      expect(pod.status?.phase).toBe('Running');
      const spec = version.runtime.kubernetes!;
      expect(pod.spec!.containers.map(c => c.image)).toContain(spec.image);
      expect(
        pod.spec!.volumes?.find(v => v.name === 'data')?.persistentVolumeClaim
          ?.claimName,
      ).toBe(volume.runtimeRef);
      await core.readNamespacedPersistentVolumeClaim({
        name: volume.runtimeRef,
        namespace: NAMESPACE,
      });
      const service = await core.readNamespacedService({
        name,
        namespace: NAMESPACE,
      });
      expect(service.spec?.ports?.[0].targetPort).toBe('http');
      const ingress = await networking.readNamespacedIngress({
        name,
        namespace: NAMESPACE,
      });
      expect(ingress.spec?.rules?.[0].host).toBe(`${instanceId}.engines.test`);

      await runtime.stop(instanceId);
      await runtime.deleteVolume(volume);
    },
  );
});
