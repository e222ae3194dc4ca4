import { IncomingHttpHeaders } from 'node:http';
import { NotAllowedError } from '@backstage/errors';

/**
 * Refuses the script of a service worker an engine page registers. A
 * worker outlives the gateway's session: after a release or a sign-out it
 * would still answer for the engine's origin, with pages the gateway never
 * served (a look-alike of the portal's sign-in, say). Browsers fetch the
 * script with `Service-Worker: script`; without it, registration fails.
 */
export function refuseServiceWorker(headers: IncomingHttpHeaders) {
  if (headers['service-worker'] !== undefined)
    throw new NotAllowedError(
      'engines may not install service workers: the gateway does not serve their scripts',
    );
}
