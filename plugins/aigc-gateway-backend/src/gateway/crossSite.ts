import { IncomingMessage } from 'node:http';
import { NotAllowedError } from '@backstage/errors';

/**
 * Refuses requests another site may have made with the user's cookie
 * (cross-site request forgery, WebSocket hijacking). The cookie Backstage
 * issues is `SameSite=None`, so browsers attach it to requests from any
 * site; only the request's Fetch Metadata and `Origin` tell them apart.
 * Tokens in an `Authorization` header are never sent by a browser on its
 * own, so requests that carry one are not checked.
 *
 * Allowed with the cookie: anything from the gateway's own origin; reading
 * requests that are top-level navigations (a link, a bookmark, the portal's
 * Open button) or typed by the user. Refused: state-changing methods and
 * WebSocket upgrades from anywhere else, and reads another site embeds or
 * fetches (images, iframes, `no-cors` fetches).
 */
export function refuseCrossSite(
  req: IncomingMessage,
  ownOrigins: ReadonlySet<string>,
  upgrade: boolean,
) {
  const site = header(req, 'sec-fetch-site');
  const origin = header(req, 'origin');
  const reads = !upgrade && (req.method === 'GET' || req.method === 'HEAD');
  if (site !== undefined) {
    if (site === 'same-origin') return;
    const navigation =
      header(req, 'sec-fetch-mode') === 'navigate' &&
      header(req, 'sec-fetch-dest') === 'document';
    if (reads && (site === 'none' || navigation)) return;
  } else if (origin !== undefined ? ownOrigins.has(origin) : reads) {
    // A browser without Fetch Metadata: Origin is sent with every unsafe request and upgrade.
    return;
  }
  const what = upgrade ? 'WebSocket connection' : `${req.method} request`;
  throw new NotAllowedError(
    `cross-site ${what} refused: with a cookie an engine accepts it only from its own pages ` +
      `(Sec-Fetch-Site: ${site ?? 'absent'}, Origin: ${
        origin ?? 'absent'
      }); API clients send a token instead`,
  );
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
