import type { V1Taint, V1Toleration } from '@kubernetes/client-node';

/** Whether one toleration covers a taint, by the scheduler's rules. */
function covers(toleration: V1Toleration, taint: V1Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') {
    return !toleration.key || toleration.key === taint.key;
  }
  return (
    toleration.key === taint.key &&
    (toleration.value ?? '') === (taint.value ?? '')
  );
}

/** Whether pods with these tolerations may be scheduled onto a node with these taints. */
export function tolerates(
  tolerations: V1Toleration[],
  taints: V1Taint[] = [],
): boolean {
  return taints
    .filter(t => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .every(taint => tolerations.some(t => covers(t, taint)));
}
