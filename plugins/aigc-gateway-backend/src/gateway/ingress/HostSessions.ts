import { AuthenticationError } from '@backstage/errors';
import { IngressGrant, IngressTokens } from './IngressTokens';
import { TicketUses } from './TicketUses';

/** An engine's host as sessions need it: a URL, or its hostname and protocol alone. */
export type EngineHost = Pick<URL, 'hostname' | 'protocol'>;

/** The query parameter that carries a sign-in ticket to an engine's host. */
export const TICKET_PARAM = 'aigc-gateway-ticket';
const TICKET_LIFETIME_MS = 60_000;
const PLAIN_COOKIE = 'aigc-gateway-session';
/** `__Host-` keeps the cookie on exactly this host, sent over TLS, for every path. */
const TLS_COOKIE = '__Host-aigc-gateway';
/** The names the session cookie has at engine hosts, over plain HTTP and over TLS. */
export const SESSION_COOKIE_NAMES: ReadonlySet<string> = new Set([
  PLAIN_COOKIE,
  TLS_COOKIE,
]);
const SESSION_LIFETIME_MS = 8 * 3600_000;
/**
 * A session at someone else's engine (an admin's) is short: its rights are
 * checked again at the next sign-in, so a lost role soon opens nothing.
 */
const DELEGATED_SESSION_LIFETIME_MS = 10 * 60_000;

/**
 * Sessions at engines' own hosts. The portal issues a one-minute ticket for
 * one host; its first use there becomes a session cookie of that host alone
 * (`SameSite=Lax`, `HttpOnly`, and `__Host-` over TLS, which forbids a
 * `Domain`), so no other host, engine or portal page ever holds it.
 */
export class HostSessions {
  constructor(
    private readonly tokens: IngressTokens,
    private readonly ticketUses: TicketUses,
  ) {}

  /** The session cookie's name at a URL. */
  static cookieName(url: EngineHost): string {
    return url.protocol === 'https:' ? TLS_COOKIE : PLAIN_COOKIE;
  }

  /** A ticket for `user` to open the engine at `host`, which belongs to `owner`; with `mayWake`, to start it too. */
  ticket(host: string, user: string, owner: string, mayWake = false): string {
    return this.tokens.issue(
      { kind: 'ticket', host, user, owner, mayWake },
      TICKET_LIFETIME_MS,
    );
  }

  /**
   * The session the request's cookie holds for the host of `url`, if any.
   * Every cookie of the session's name counts: a page of a sibling host can
   * add one for a shared parent domain, which must not hide the real one.
   */
  session(
    cookieHeader: string | undefined,
    url: EngineHost,
  ): IngressGrant | undefined {
    for (const value of cookieValues(
      cookieHeader,
      HostSessions.cookieName(url),
    )) {
      const grant = this.tokens.verify(value, 'session', url.hostname);
      if (grant) return grant;
    }
    return undefined;
  }

  /** True once a session's time is up; a tunnel it opened closes then. */
  expired(grant: IngressGrant): boolean {
    return this.tokens.expired(grant);
  }

  /**
   * Redeems a ticket for the host of `url`, once: the grant and the
   * `Set-Cookie` value of the session that replaces it.
   */
  async redeem(
    ticket: string,
    url: URL,
  ): Promise<{ grant: IngressGrant; setCookie: string }> {
    const grant = this.tokens.verify(ticket, 'ticket', url.hostname);
    if (!grant)
      throw new AuthenticationError(
        `the sign-in ticket is not valid for ${url.hostname}, or it expired`,
      );
    if (!(await this.ticketUses.claim(ticket.split('.')[1], grant.expiresAt))) {
      throw new AuthenticationError(
        'the sign-in ticket was used already; open the engine from the portal again',
      );
    }
    const lifetimeMs =
      grant.user === grant.owner
        ? SESSION_LIFETIME_MS
        : DELEGATED_SESSION_LIFETIME_MS;
    const session = this.tokens.issue(
      { ...grant, kind: 'session' },
      lifetimeMs,
    );
    const secure = url.protocol === 'https:' ? '; Secure' : '';
    return {
      grant,
      setCookie: `${HostSessions.cookieName(url)}=${session}; Path=/; Max-Age=${
        lifetimeMs / 1000
      }; HttpOnly; SameSite=Lax${secure}`,
    };
  }
}

/** The values of the cookies of one name in a `Cookie` header, compared by exact name. */
export function cookieValues(
  header: string | undefined,
  name: string,
): string[] {
  const values: string[] = [];
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name)
      values.push(part.slice(eq + 1).trim());
  }
  return values;
}
