import type { V1Pod } from '@kubernetes/client-node';
import { PhaseAndReason, podPhase } from './podPhase';

/**
 * The phase of a pod, where a pod placed on a node more than `deadlineMs`
 * ago that is still pulling its image or starting counts as crashed: an
 * image that cannot be pulled or an engine that never answers its probe
 * would otherwise hold its GPU for ever.
 */
export function phaseWithDeadline(pod: V1Pod, now: number, deadlineMs: number): PhaseAndReason {
  const current = podPhase(pod);
  if (current.phase !== 'pulling' && current.phase !== 'starting') return current;
  const placed =
    pod.status?.conditions?.find(c => c.type === 'PodScheduled' && c.status === 'True')?.lastTransitionTime ??
    pod.metadata?.creationTimestamp;
  if (!placed || now - new Date(placed).getTime() < deadlineMs) return current;
  return {
    phase: 'crashed',
    reason: `the engine was not ready ${Math.round(deadlineMs / 1000)} s after it was placed on ${pod.spec?.nodeName}: ${current.reason}`,
  };
}
