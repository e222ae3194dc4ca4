import { IngressHosts } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

const SAMPLE_INSTANCE = '00000000-0000-4000-8000-000000000000';

/**
 * Refuses engine hosts at or under the backend's host. Backstage sets the
 * portal user's cookie with the backend's host as its `Domain`, so browsers
 * would send it to every engine there. A host of one label (`localhost`) is
 * the exception: browsers keep a cookie for such a domain on that host alone.
 */
export function assertEnginesApartFromPortal(
  hosts: IngressHosts,
  backendBaseUrl: string,
) {
  const backend = new URL(backendBaseUrl).hostname.toLowerCase();
  const engine = hosts.hostOf(SAMPLE_INSTANCE);
  if (!backend.includes('.')) return;
  if (engine === backend || engine.endsWith(`.${backend}`))
    throw new Error(
      `Engine hosts such as ${engine} are under the backend's host ${backend}, whose ` +
        "cookies (the portal user's token) browsers would send to every engine: give engines " +
        'a domain apart from the portal (aigcGateway.engineOrigins.host, or the Kubernetes ' +
        "runtime's ingress.host), such as ${instanceId}.engines.example.com",
    );
}
