import type { V1Pod } from '@kubernetes/client-node';
import { RuntimeStartRequest } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { enginePodSpec } from './enginePodSpec';
import { instanceLabels } from './instanceLabels';
import { ANNOTATIONS } from './labels';
import { instanceObjectName } from './names';

/**
 * The pod of an instance: the version's container with its volume claim
 * mounted, on the pool's nodes, holding the pool's GPUs. A bare pod, not a
 * StatefulSet: the gateway's lifecycle and reconciler already decide when an
 * engine runs, and a controller that recreates pods would hide a deletion
 * the gateway must see (and bill) as the end of the engine.
 */
export function podManifest(
  request: RuntimeStartRequest,
  options: { namespace: string; stopGracePeriodSeconds: number },
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: instanceObjectName(request.instanceId),
      namespace: options.namespace,
      labels: instanceLabels(request),
      annotations: {
        [ANNOTATIONS.version]: request.version.version,
        [ANNOTATIONS.poolTitle]: request.pool.title,
      },
    },
    spec: enginePodSpec({
      templateId: request.templateId,
      version: request.version,
      pool: request.pool,
      instanceId: { value: request.instanceId },
      claimName: request.volume.runtimeRef,
      stopGracePeriodSeconds: options.stopGracePeriodSeconds,
    }),
  };
}
