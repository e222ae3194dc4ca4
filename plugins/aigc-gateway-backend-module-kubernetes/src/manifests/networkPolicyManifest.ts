import type {
  V1NetworkPolicy,
  V1NetworkPolicyEgressRule,
  V1NetworkPolicyPeer,
} from '@kubernetes/client-node';
import { LABELS, MANAGED_BY } from './labels';

export const NETWORK_POLICY_NAME = 'aigc-gateway-engines';

/**
 * One policy for every engine pod of the namespace (the pods that carry an
 * instance label): traffic in only from the given peers, i.e. the gateway's
 * backend and, with per-instance ingress, the ingress controller; traffic
 * out only as the egress rules allow.
 */
export function networkPolicyManifest(
  namespace: string,
  from: V1NetworkPolicyPeer[],
  egress: V1NetworkPolicyEgressRule[],
): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: NETWORK_POLICY_NAME,
      namespace,
      labels: { [LABELS.managedBy]: MANAGED_BY },
    },
    spec: {
      podSelector: {
        matchLabels: { [LABELS.managedBy]: MANAGED_BY },
        matchExpressions: [{ key: LABELS.instance, operator: 'Exists' }],
      },
      policyTypes: ['Ingress', 'Egress'],
      // client-node names the field `_from`; it is sent as `from`.
      ingress: [{ _from: from }],
      egress,
    },
  };
}
