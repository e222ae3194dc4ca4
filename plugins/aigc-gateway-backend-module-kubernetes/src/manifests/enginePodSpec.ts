import type { V1EnvVar, V1PodSpec } from '@kubernetes/client-node';
import {
  EngineVersion,
  GpuPool,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { gpuRequest } from './gpuRequest';
import { mergePodSpec } from './mergePodSpec';
import { substitute } from './substitute';

/** The engine's container; a `podSpecPatch` addresses it by this name. */
export const ENGINE_CONTAINER = 'engine';
/** The pod volume the engine's data is mounted from. */
export const DATA_VOLUME = 'data';

/**
 * The pod spec of an engine: the version's container on the pool's nodes,
 * holding the pool's GPUs, with the data volume mounted at `mountPath`.
 * `instanceId` is a value, or an env variable for pods that a controller
 * makes from one template; `claimName` is the data volume's claim, left out
 * where a claim template supplies the volume.
 */
export function enginePodSpec(options: {
  templateId: string;
  version: EngineVersion;
  pool: GpuPool;
  instanceId: { value: string } | { env: V1EnvVar };
  claimName?: string;
  stopGracePeriodSeconds: number;
}): V1PodSpec {
  const { version, pool } = options;
  const spec = version.runtime.kubernetes;
  if (!spec) {
    throw new Error(
      `version ${version.version} of ${options.templateId} has no kubernetes runtime spec`,
    );
  }
  const gpu = gpuRequest(pool);
  const idEnv: V1EnvVar =
    'value' in options.instanceId
      ? { name: 'AIGC_INSTANCE_ID', value: options.instanceId.value }
      : { ...options.instanceId.env, name: 'AIGC_INSTANCE_ID' };
  const vars = {
    port: String(spec.port),
    dataDir: spec.mountPath,
    // Kubernetes expands $(VAR) in command, args and env from the container's env.
    instanceId:
      'value' in options.instanceId
        ? options.instanceId.value
        : '$(AIGC_INSTANCE_ID)',
    version: version.version,
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
    nodeSelector: pool.kubernetes.nodeSelector,
    tolerations: pool.kubernetes.tolerations,
    containers: [
      {
        name: ENGINE_CONTAINER,
        image: spec.image,
        ...(spec.command ? { command: spec.command.map(sub) } : {}),
        args: spec.args.map(sub),
        env: [
          idEnv,
          ...Object.entries(spec.env).map(([name, value]) => ({
            name,
            value: sub(value),
          })),
          { name: 'PORT', value: vars.port },
          { name: 'DATA_DIR', value: vars.dataDir },
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
    ...(options.claimName
      ? {
          volumes: [
            {
              name: DATA_VOLUME,
              persistentVolumeClaim: { claimName: options.claimName },
            },
          ],
        }
      : {}),
  };
  return mergePodSpec(podSpec, spec.podSpecPatch);
}
