import { InstanceView } from '@internal/plugin-aigc-gateway-common';
import { InstanceRecord } from '../store/InstanceStore';

/** The API's view of an instance; `baseUrl` is the plugin's external URL. */
export function toInstanceView(
  instance: InstanceRecord,
  baseUrl: string,
  extra: Pick<InstanceView, 'queuePosition' | 'events'> = {},
): InstanceView {
  return {
    id: instance.id,
    ownerRef: instance.ownerRef,
    templateId: instance.templateId,
    version: instance.version,
    poolId: instance.poolId,
    name: instance.name,
    state: instance.state,
    volumeId: instance.volumeId,
    url: `${baseUrl}/instances/${instance.id}/proxy/`,
    failureReason: instance.failureReason,
    lastActivityAt: instance.lastActivityAt?.toISOString(),
    createdAt: instance.createdAt.toISOString(),
    updatedAt: instance.updatedAt.toISOString(),
    ...extra,
  };
}
