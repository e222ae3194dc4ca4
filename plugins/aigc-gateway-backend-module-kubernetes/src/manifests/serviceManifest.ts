import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { LABELS } from './labels';
import { ownedBy } from './ownedBy';

/**
 * The Service in front of an instance's pod, owned by the pod (when it
 * exists yet) so that the cluster removes it with a pod that was deleted
 * without the gateway.
 */
export function serviceManifest(pod: V1Pod, port: number): V1Service {
  const metadata = pod.metadata!;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace,
      labels: metadata.labels,
      ownerReferences: ownedBy(pod),
    },
    spec: {
      type: 'ClusterIP',
      selector: { [LABELS.instance]: metadata.labels![LABELS.instance] },
      ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
