import { InstanceView } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { IngressHosts } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { InstanceRecord } from '../store/InstanceStore';

/**
 * The API's view of an instance; `baseUrl` is the plugin's external URL.
 * `url` opens the engine at its own host, through the sign-in that gives the
 * browser a session there (API clients with a token use the path-form proxy,
 * `…/instances/:id/proxy/`).
 */
export function toInstanceView(
  instance: InstanceRecord,
  baseUrl: string,
  ingressHosts: IngressHosts,
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
    url: `${baseUrl}/ingress/sign-in?rd=${encodeURIComponent(
      ingressHosts.urlOf(instance.id),
    )}`,
    address: ingressHosts.urlOf(instance.id),
    failureReason: instance.failureReason,
    lastActivityAt: instance.lastActivityAt?.toISOString(),
    jobsCompleted: instance.jobsCompleted,
    createdAt: instance.createdAt.toISOString(),
    updatedAt: instance.updatedAt.toISOString(),
    ...extra,
  };
}
