import express from 'express';
import Router from 'express-promise-router';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { IngressHosts } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { AccessCache } from '../AccessCache';
import { answerError } from '../errorPage';
import { ProxyAccess } from '../ProxyAccess';
import { UserCredentialsCache } from '../UserCredentialsCache';
import { IngressTokens } from './IngressTokens';
import { TicketUses } from './TicketUses';
import { originalUrl } from './originalUrl';

const TICKET_PARAM = 'aigc-gateway-ticket';
const TICKET_LIFETIME_MS = 60_000;
const SESSION_LIFETIME_MS = 8 * 3600_000;

/** `__Host-` keeps the cookie on exactly this host, sent over TLS, for every path. */
const sessionCookie = (url: URL) =>
  url.protocol === 'https:' ? '__Host-aigc-gateway' : 'aigc-gateway-session';

function cookieValue(
  header: string | undefined,
  name: string,
): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name)
      return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Access to engines at their own Ingress hosts. The ingress controller asks
 * `/forward-auth` about every request (nginx's `auth-url`); a browser without
 * a session for that host is sent to `/ingress/sign-in` (nginx's
 * `auth-signin`), which checks the portal user and comes back with a
 * one-minute ticket in the URL, which `/forward-auth` turns into a cookie of
 * that host alone.
 */
export function ingressRouter(deps: {
  hosts: IngressHosts;
  tokens: IngressTokens;
  ticketUses: TicketUses;
  users: UserCredentialsCache;
  access: ProxyAccess;
  cache: AccessCache;
  portalUrl: string;
}): express.Router {
  const { hosts, tokens } = deps;
  const router = Router();

  function instanceAt(url: URL) {
    const instanceId = hosts.instanceOf(url.hostname);
    if (!instanceId)
      throw new NotAllowedError(
        `${url.hostname} is not the host of an engine instance`,
      );
    return instanceId;
  }

  router.all('/forward-auth', async (req, res) => {
    const url = originalUrl(req.headers);
    const instanceId = instanceAt(url);
    const host = url.hostname;
    const ticket = url.searchParams.get(TICKET_PARAM) ?? undefined;
    const entry = await deps.cache.getFresh(instanceId);
    let grant = tokens.verify(
      cookieValue(req.headers.cookie, sessionCookie(url)),
      'session',
      host,
    );
    // A session from before the instance changed owner is of no use; a new ticket replaces it.
    if (grant && grant.owner !== entry?.ownerRef) grant = undefined;
    // A page reloaded with its ticket still in the URL keeps the session it has.
    if (!grant && ticket !== undefined) {
      const ticketGrant = tokens.verify(ticket, 'ticket', host);
      if (!ticketGrant)
        throw new AuthenticationError(
          `the sign-in ticket is not valid for ${host}, or it expired`,
        );
      if (
        !(await deps.ticketUses.claim(
          ticket.split('.')[1],
          ticketGrant.expiresAt,
        ))
      ) {
        throw new AuthenticationError(
          'the sign-in ticket was used already; open the engine from the portal again',
        );
      }
      grant = ticketGrant;
      const session = tokens.issue(
        { ...grant, kind: 'session' },
        SESSION_LIFETIME_MS,
      );
      const secure = url.protocol === 'https:' ? '; Secure' : '';
      res.setHeader(
        'set-cookie',
        `${sessionCookie(url)}=${session}; Path=/; Max-Age=${
          SESSION_LIFETIME_MS / 1000
        }; HttpOnly; SameSite=Lax${secure}`,
      );
    }
    if (!grant)
      throw new AuthenticationError(
        `no gateway session for ${host}; open the engine from the portal`,
      );
    // nginx treats any answer but 2xx, 401 and 403 as its own failure, so every refusal is a 403.
    if (!entry || entry.ownerRef !== grant.owner) {
      throw new NotAllowedError(
        `instance ${instanceId} does not exist or changed owner; sign in again`,
      );
    }
    if (entry.state !== 'running') {
      throw new NotAllowedError(
        `instance ${instanceId} is ${entry.state}, not running; launch it from the portal`,
      );
    }
    res.setHeader('x-auth-request-user', grant.user);
    res.status(200).end();
  });

  router.get('/ingress/sign-in', async (req, res) => {
    try {
      const rd = typeof req.query.rd === 'string' ? req.query.rd : undefined;
      let target: URL;
      try {
        target = new URL(rd ?? '');
      } catch {
        throw new InputError(
          `rd must be the URL of an engine's ingress host, not ${JSON.stringify(
            rd ?? null,
          )}`,
        );
      }
      if (target.protocol !== 'https:' && target.protocol !== 'http:') {
        throw new InputError(
          `rd must be an http(s) URL, not ${JSON.stringify(rd)}`,
        );
      }
      const instanceId = hosts.instanceOf(target.hostname);
      if (!instanceId)
        throw new NotFoundError(
          `${target.hostname} is not the host of an engine instance`,
        );
      const credentials = await deps.users.credentials(req);
      const owner = (await deps.access.check(credentials, instanceId)).ownerRef;
      target.searchParams.set(
        TICKET_PARAM,
        tokens.issue(
          {
            kind: 'ticket',
            host: target.hostname,
            user: credentials.principal.userEntityRef,
            owner,
          },
          TICKET_LIFETIME_MS,
        ),
      );
      res.redirect(302, target.toString());
    } catch (error) {
      answerError(req, res, error as Error, deps.portalUrl);
    }
  });

  return router;
}
