import { IncomingMessage } from 'node:http';
import { parse as parseCookies } from 'cookie';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

// The same rules as Backstage's HttpAuthService: a well-formed bearer token
// wins, otherwise the cookie `issueUserCookie` sets, read with the same parser.
const BEARER = /^Bearer[ ]+(\S+)$/i;
/** The cookie Backstage's `issueUserCookie` sets, with the portal user's token. */
export const PORTAL_AUTH_COOKIE = 'backstage-auth';

/**
 * Remembers who a user token belongs to once Backstage has verified it.
 * Verifying a user token is an ES256 signature check (≈0.4 ms here), more
 * than the rest of a proxied request; a browser sends the same cookie with
 * every request to its engine. Tokens cannot be revoked before they expire,
 * so an entry lives until the token's expiry, at most `maxAgeMs`. Failed
 * verifications are never remembered.
 */
export class UserCredentialsCache {
  private readonly entries = new Map<
    string,
    { credentials: UserCredentials; until: number }
  >();

  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly options: {
      maxEntries: number;
      maxAgeMs: number;
      now?: () => number;
    } = {
      maxEntries: 10_000,
      maxAgeMs: 5 * 60_000,
    },
  ) {}

  async credentials(req: IncomingMessage): Promise<UserCredentials> {
    const key = tokenOf(req);
    const now = (this.options.now ?? Date.now)();
    const hit = key === undefined ? undefined : this.entries.get(key);
    if (hit && hit.until > now) return hit.credentials;
    const credentials = await this.httpAuth.credentials(req as any, {
      allow: ['user'],
      allowLimitedAccess: true,
    });
    if (key !== undefined) {
      this.entries.delete(key);
      if (this.entries.size >= this.options.maxEntries) {
        // Maps iterate in insertion order: the first key is the oldest.
        this.entries.delete(this.entries.keys().next().value!);
      }
      const expiry = credentials.expiresAt?.getTime() ?? Infinity;
      this.entries.set(key, {
        credentials,
        until: Math.min(expiry, now + this.options.maxAgeMs),
      });
    }
    return credentials;
  }
}

/** Whether the request carries a token in its `Authorization` header, which browsers never add on their own. */
export function hasBearerToken(req: IncomingMessage): boolean {
  const { authorization } = req.headers;
  return typeof authorization === 'string' && BEARER.test(authorization);
}

/**
 * The exact token Backstage authenticates: the bearer token first, else the
 * auth cookie as the `cookie` package parses it. A header that names the
 * cookie more than once is not cached at all, so no parser difference can
 * make a string of an attacker's choosing the key of someone else's token.
 */
function tokenOf(req: IncomingMessage): string | undefined {
  const { authorization, cookie } = req.headers;
  const bearer =
    typeof authorization === 'string' ? BEARER.exec(authorization) : null;
  if (bearer) return `bearer ${bearer[1]}`;
  if (!cookie || cookie.split(PORTAL_AUTH_COOKIE).length !== 2)
    return undefined;
  const token = parseCookies(cookie)[PORTAL_AUTH_COOKIE];
  return token ? `cookie ${token}` : undefined;
}
