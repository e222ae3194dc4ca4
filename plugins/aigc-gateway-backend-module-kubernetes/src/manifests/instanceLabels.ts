import { RuntimeStartRequest } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import {
  kubernetesId,
  LABELS,
  labelValue,
  MANAGED_BY,
  ownerHash,
} from './labels';

/** The labels of every object of an instance: its pod, Service and volume claim. */
export function instanceLabels(
  request: RuntimeStartRequest,
): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.instance]: request.instanceId,
    [LABELS.template]: labelValue(request.templateId),
    [LABELS.version]: labelValue(request.version.version),
    [LABELS.pool]: labelValue(request.pool.id),
    [LABELS.volume]: request.volume.id,
    [LABELS.kubernetesId]: kubernetesId(request.instanceId),
    ...(request.ownerRef
      ? { [LABELS.ownerHash]: ownerHash(request.ownerRef) }
      : {}),
  };
}
