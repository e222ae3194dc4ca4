import { InstanceView } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { IngressHosts } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { InstanceRecord } from '../store/InstanceStore';

/**
 * The API's view of an instance; `baseUrl` is the plugin's external URL. With
 * ingress hosts, `url` opens the engine at its own host, through the sign-in
 * that gives the browser a session there; otherwise through the proxy.
 */
export function toInstanceView(
  instance: InstanceRecord,
  baseUrl: string,
  ingressHosts: IngressHosts | undefined,
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
    url: ingressHosts
      ? `${baseUrl}/ingress/sign-in?rd=${encodeURIComponent(
          ingressHosts.urlOf(instance.id),
        )}`
      : `${baseUrl}/instances/${instance.id}/proxy/`,
    failureReason: instance.failureReason,
    lastActivityAt: instance.lastActivityAt?.toISOString(),
    createdAt: instance.createdAt.toISOString(),
    updatedAt: instance.updatedAt.toISOString(),
    ...extra,
  };
}
