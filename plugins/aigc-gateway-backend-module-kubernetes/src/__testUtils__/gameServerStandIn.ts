import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1PersistentVolumeClaim,
  V1Pod,
} from '@kubernetes/client-node';
import { isConflict, isNotFound } from '../cluster/kubeErrors';

const OWNER = 'game.kruise.io/owner-gss';

interface SetObject {
  metadata: { name: string };
  spec: {
    replicas: number;
    reserveGameServerIds?: number[];
    gameServerTemplate: {
      metadata: V1Pod['metadata'];
      spec: V1Pod['spec'];
      volumeClaimTemplates: V1PersistentVolumeClaim[];
    };
  };
}

/**
 * Stands in for OpenKruiseGame's controllers, which the test cluster does
 * not run: every 200 ms it makes the GameServer pods (and their claims) a
 * GameServerSet's replicas and reserved ids ask for, as
 * `<set>-<ordinal>` from the set's template, and deletes the others. kwok
 * then runs the pods as it runs any pod.
 */
export function startGameServerStandIn(
  kubeConfig: KubeConfig,
  namespace: string,
) {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const ignore = (accept: (error: unknown) => boolean) => (error: unknown) => {
    if (!accept(error)) throw error;
  };

  async function reconcile() {
    const sets = (await custom.listNamespacedCustomObject({
      group: 'game.kruise.io',
      version: 'v1alpha1',
      plural: 'gameserversets',
      namespace,
    })) as { items: SetObject[] };
    const pods = (
      await core.listNamespacedPod({ namespace, labelSelector: OWNER })
    ).items;
    const wanted = new Set<string>();
    for (const set of sets.items) {
      const { name } = set.metadata;
      const reserved = set.spec.reserveGameServerIds ?? [];
      const template = set.spec.gameServerTemplate;
      for (let id = 0; id < set.spec.replicas + reserved.length; id++) {
        if (reserved.includes(id)) continue;
        const podName = `${name}-${id}`;
        wanted.add(podName);
        if (pods.some(p => p.metadata!.name === podName)) continue;
        const claimName = `${
          template.volumeClaimTemplates[0].metadata!.name
        }-${name}-${id}`;
        await core
          .createNamespacedPersistentVolumeClaim({
            namespace,
            body: {
              ...template.volumeClaimTemplates[0],
              metadata: {
                ...template.volumeClaimTemplates[0].metadata,
                name: claimName,
              },
            },
          })
          .catch(ignore(isConflict));
        await core
          .createNamespacedPod({
            namespace,
            body: {
              metadata: {
                ...template.metadata,
                name: podName,
                labels: { ...template.metadata?.labels, [OWNER]: name },
              },
              spec: {
                ...template.spec!,
                volumes: [
                  ...(template.spec!.volumes ?? []),
                  { name: 'data', persistentVolumeClaim: { claimName } },
                ],
              },
            },
          })
          .catch(ignore(isConflict));
      }
    }
    for (const pod of pods) {
      if (
        !wanted.has(pod.metadata!.name!) &&
        !pod.metadata!.deletionTimestamp
      ) {
        await core
          .deleteNamespacedPod({
            name: pod.metadata!.name!,
            namespace,
            gracePeriodSeconds: 0,
          })
          .catch(ignore(isNotFound));
      }
    }
  }

  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await reconcile().catch(() => {
        // The namespace or the CRD may not be there yet; the next round sees.
      });
      await new Promise(r => setTimeout(r, 200));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
