import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { RuntimePhase } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { ANNOTATIONS, LABELS } from '../manifests/labels';
import { ENGINE_CONTAINER } from '../manifests/enginePodSpec';

export interface PhaseAndReason {
  phase: RuntimePhase;
  reason: string;
}

const STANDARD_RESOURCES = /^(cpu|memory|ephemeral-storage|hugepages-.*|pods)$/;
/** Waiting reasons of a container that will not get better by waiting. */
const BROKEN = new Set([
  'CrashLoopBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);
const PULL_FAILING = new Set(['ErrImagePull', 'ImagePullBackOff']);

function poolName(pod: V1Pod): string {
  return (
    pod.metadata?.annotations?.[ANNOTATIONS.poolTitle] ??
    pod.metadata?.labels?.[LABELS.pool] ??
    'its pool'
  );
}

/** The GPU-like resources the pod asks for: whatever is not CPU, memory or storage. */
function extendedResources(pod: V1Pod): string[] {
  const names = new Set<string>();
  for (const container of pod.spec?.containers ?? []) {
    const { requests = {}, limits = {} } = container.resources ?? {};
    for (const name of [...Object.keys(requests), ...Object.keys(limits)]) {
      if (!STANDARD_RESOURCES.test(name)) names.add(name);
    }
  }
  return [...names];
}

/** e.g. `exited with code 137 (OOMKilled)`, from a terminated state. */
function exitOf(state: {
  exitCode?: number;
  reason?: string;
  message?: string;
  signal?: number;
}): string {
  const parts = [`exited with code ${state.exitCode}`];
  if (state.reason) parts.push(`(${state.reason})`);
  const text = parts.join(' ');
  return state.message
    ? `${text}: ${state.message.trim().slice(0, 300)}`
    : text;
}

function unschedulable(pod: V1Pod, message: string): PhaseAndReason {
  const pool = poolName(pod);
  const short = message.split('. ')[0];
  const gpu = extendedResources(pod).find(r =>
    message.includes(`Insufficient ${r}`),
  );
  if (gpu) {
    const what = gpu.includes('memory') ? 'GPU memory' : 'a GPU';
    return {
      phase: 'scheduling',
      reason: `waiting for ${what} in pool ${pool} (${short})`,
    };
  }
  if (
    message.includes('unbound') &&
    message.includes('PersistentVolumeClaim')
  ) {
    return {
      phase: 'scheduling',
      reason: `waiting for the data volume to be bound (${short})`,
    };
  }
  return {
    phase: 'scheduling',
    reason: `cannot be placed in pool ${pool} yet (${short})`,
  };
}

function fromContainer(
  pod: V1Pod,
  status: V1ContainerStatus,
  node: string,
): PhaseAndReason | undefined {
  const { waiting, terminated, running } = status.state ?? {};
  const image =
    pod.spec?.containers?.find(c => c.name === status.name)?.image ??
    status.image;
  if (terminated) {
    return { phase: 'crashed', reason: `the engine ${exitOf(terminated)}` };
  }
  if (waiting?.reason && BROKEN.has(waiting.reason)) {
    const last = status.lastState?.terminated;
    const why = last ? exitOf(last) : waiting.message?.trim() || waiting.reason;
    return {
      phase: 'crashed',
      reason:
        waiting.reason === 'CrashLoopBackOff'
          ? `the engine keeps crashing (restarted ${status.restartCount} times): ${why}`
          : `the engine cannot start (${waiting.reason}): ${why}`,
    };
  }
  if (waiting?.reason && PULL_FAILING.has(waiting.reason)) {
    return {
      phase: 'pulling',
      reason: `cannot pull ${image} on ${node} yet (${waiting.reason}): ${
        waiting.message?.trim() ?? ''
      }`.trim(),
    };
  }
  if (waiting) {
    // The kubelet reports ContainerCreating while it pulls the image and mounts volumes.
    return { phase: 'pulling', reason: `pulling ${image} on ${node}` };
  }
  if (running) {
    return status.ready
      ? undefined
      : { phase: 'starting', reason: `the engine is starting on ${node}` };
  }
  return undefined;
}

/**
 * The gateway's phase of an instance's pod, with a reason a user can read:
 * where it waits (a GPU of the pool, the volume, the image), whether the
 * engine answers its readiness probe, and why it crashed.
 */
export function podPhase(pod: V1Pod): PhaseAndReason {
  const status = pod.status ?? {};
  const node = pod.spec?.nodeName ?? '';
  if (status.phase === 'Failed' || status.phase === 'Succeeded') {
    const why = [status.reason, status.message].filter(Boolean).join(': ');
    const engine = status.containerStatuses?.find(
      c => c.name === ENGINE_CONTAINER,
    );
    const exit = engine?.state?.terminated;
    return {
      phase: 'crashed',
      reason:
        why ||
        (exit
          ? `the engine ${exitOf(exit)}`
          : `the pod ${status.phase === 'Failed' ? 'failed' : 'ended'}`),
    };
  }
  if (!node) {
    const scheduled = status.conditions?.find(c => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
      return unschedulable(pod, scheduled.message ?? '');
    }
    return {
      phase: 'scheduling',
      reason: `waiting for a node in pool ${poolName(pod)}`,
    };
  }
  const containers = status.containerStatuses ?? [];
  const engine =
    containers.find(c => c.name === ENGINE_CONTAINER) ?? containers[0];
  const fromEngine = engine && fromContainer(pod, engine, node);
  if (fromEngine) return fromEngine;
  const ready =
    status.conditions?.find(c => c.type === 'Ready')?.status === 'True';
  if (ready) return { phase: 'ready', reason: `ready on ${node}` };
  if (!engine) {
    const image = pod.spec?.containers?.[0]?.image;
    return { phase: 'pulling', reason: `pulling ${image} on ${node}` };
  }
  return { phase: 'starting', reason: `the engine is starting on ${node}` };
}
