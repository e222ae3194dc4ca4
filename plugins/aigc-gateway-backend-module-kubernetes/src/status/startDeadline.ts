import type { V1Pod } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { PhaseAndReason, podPhase } from './podPhase';

/**
 * Pods placed on a node that are still pulling their image or starting
 * count as crashed once the deadline has passed: an image that cannot be
 * pulled or an engine that never answers its probe would otherwise hold its
 * GPU for ever. The time is measured from when this backend first saw the
 * pod placed, on its own monotonic timer, never by comparing the cluster's
 * timestamps with this machine's clock (the two may disagree); a restarted
 * backend starts measuring again.
 */
export class StartDeadlines {
  private readonly placedSince = new Map<string, number>();

  constructor(
    private readonly deadlineMs: number,
    private readonly elapsed: () => number = () => performance.now(),
  ) {}

  phase(pod: V1Pod): PhaseAndReason {
    const current = podPhase(pod);
    const key = pod.metadata?.uid ?? pod.metadata?.name ?? '';
    if (current.phase !== 'pulling' && current.phase !== 'starting') {
      this.placedSince.delete(key);
      return current;
    }
    const now = this.elapsed();
    const since = this.placedSince.get(key) ?? now;
    this.placedSince.set(key, since);
    if (now - since < this.deadlineMs) return current;
    return {
      phase: 'crashed',
      reason: `the engine was not ready ${Math.round(
        this.deadlineMs / 1000,
      )} s after it was placed on ${pod.spec?.nodeName}: ${current.reason}`,
    };
  }

  /** Forgets a pod that is gone. */
  forget(pod: V1Pod) {
    this.placedSince.delete(pod.metadata?.uid ?? pod.metadata?.name ?? '');
  }
}
