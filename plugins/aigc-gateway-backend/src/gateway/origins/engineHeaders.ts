import http from 'node:http';
import { forwardHeaders } from '../headers';
import { SESSION_COOKIE_NAMES } from '../ingress/HostSessions';
import { PORTAL_AUTH_COOKIE } from '../UserCredentialsCache';

/**
 * Cookies an engine neither sees nor sets: the gateway's sessions at engine
 * hosts, and the portal user's, which a browser sends to engine hosts under
 * the backend's host (Backstage sets it for that domain).
 */
const GATEWAY_COOKIES: ReadonlySet<string> = new Set([
  ...SESSION_COOKIE_NAMES,
  PORTAL_AUTH_COOKIE,
]);

const cookieName = (cookie: string) => cookie.split('=', 1)[0].trim();

/**
 * A request at an engine's own origin, for the engine: its own cookies and
 * credentials go through, the gateway's and the portal's cookies and
 * hop-by-hop headers do not.
 */
export function originRequestHeaders(
  headers: http.IncomingHttpHeaders,
): http.OutgoingHttpHeaders {
  const out = forwardHeaders(headers);
  if (headers.authorization) out.authorization = headers.authorization;
  const cookies = (headers.cookie ?? '')
    .split(';')
    .filter(c => c.trim() && !GATEWAY_COOKIES.has(cookieName(c)));
  if (cookies.length > 0) out.cookie = cookies.map(c => c.trim()).join('; ');
  return out;
}

/**
 * An engine's answer at its own origin: its cookies stay on its own host
 * (no `Domain`, so never a parent domain shared with other engines or the
 * portal) and never replace the gateway's session; no service worker's
 * scope is widened; its pages send no referrer.
 */
export function originResponseHeaders(
  headers: http.IncomingHttpHeaders,
): http.OutgoingHttpHeaders {
  const out = forwardHeaders(headers);
  const setCookie = headers['set-cookie'];
  delete out['set-cookie'];
  const kept = (setCookie ?? [])
    .filter(c => !GATEWAY_COOKIES.has(cookieName(c)))
    .map(c =>
      c
        .split(';')
        .filter(attribute => !/^\s*domain\s*=/i.test(attribute))
        .join(';'),
    );
  if (kept.length > 0) out['set-cookie'] = kept;
  delete out['service-worker-allowed'];
  out['referrer-policy'] = 'no-referrer';
  return out;
}
