import type { V1Pod, V1PodSpec } from '@kubernetes/client-node';
import { RuntimeStartRequest } from '@internal/plugin-aigc-gateway-node';
import { gpuRequest } from './gpuRequest';
import { instanceLabels } from './instanceLabels';
import { ANNOTATIONS } from './labels';
import { mergePodSpec } from './mergePodSpec';
import { instanceObjectName } from './names';
import { substitute } from './substitute';

/** The engine's container; a `podSpecPatch` addresses it by this name. */
export const ENGINE_CONTAINER = 'engine';
const DATA_VOLUME = 'data';

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
  const spec = request.version.runtime.kubernetes;
  if (!spec) {
    throw new Error(
      `version ${request.version.version} of ${request.templateId} has no kubernetes runtime spec`,
    );
  }
  const gpu = gpuRequest(request.pool);
  const vars = {
    port: String(spec.port),
    dataDir: spec.mountPath,
    instanceId: request.instanceId,
    version: request.version.version,
  };
  const sub = (value: string) => substitute(value, vars);
  const gpus = { [gpu.resource]: String(gpu.amount) };
  const podSpec: V1PodSpec = {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: options.stopGracePeriodSeconds,
    // Engines run users' workflows and need no API access; nor the env
    // variables of every Service in the namespace (one set per instance).
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    nodeSelector: request.pool.kubernetes.nodeSelector,
    tolerations: request.pool.kubernetes.tolerations,
    containers: [
      {
        name: ENGINE_CONTAINER,
        image: spec.image,
        ...(spec.command ? { command: spec.command.map(sub) } : {}),
        args: spec.args.map(sub),
        env: [
          ...Object.entries(spec.env).map(([name, value]) => ({
            name,
            value: sub(value),
          })),
          { name: 'PORT', value: vars.port },
          { name: 'DATA_DIR', value: vars.dataDir },
          { name: 'AIGC_INSTANCE_ID', value: request.instanceId },
        ],
        ports: [{ name: 'http', containerPort: spec.port, protocol: 'TCP' }],
        readinessProbe: {
          httpGet: { path: spec.readinessPath, port: 'http' },
          periodSeconds: 5,
          failureThreshold: 3,
        },
        resources: { requests: gpus, limits: gpus },
        volumeMounts: [{ name: DATA_VOLUME, mountPath: spec.mountPath }],
      },
    ],
    volumes: [
      {
        name: DATA_VOLUME,
        persistentVolumeClaim: { claimName: request.volume.runtimeRef },
      },
    ],
  };
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
    spec: mergePodSpec(podSpec, spec.podSpecPatch),
  };
}
