import express from 'express';
import Router from 'express-promise-router';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { instanceReleasePermission } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { IngressHosts } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { instanceFilter } from '../../permissions/authorizeInstance';
import { AccessCache } from '../AccessCache';
import { answerError, wantsPage } from '../errorPage';
import { ProxyAccess } from '../ProxyAccess';
import { UserCredentialsCache } from '../UserCredentialsCache';
import { HostSessions, TICKET_PARAM } from './HostSessions';
import { originalUrl } from './originalUrl';
import { refuseServiceWorker } from '../serviceWorkers';

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
  /** Whether an ingress controller asks `/forward-auth` (the runtime's Ingress mode). */
  forwardAuth: boolean;
  sessions: HostSessions;
  users: UserCredentialsCache;
  access: ProxyAccess;
  cache: AccessCache;
  portalUrl: string;
  permissions: PermissionsService;
}): express.Router {
  const { hosts, sessions } = deps;
  const router = Router();

  function instanceAt(url: URL) {
    const instanceId = hosts.instanceOf(url.hostname);
    if (!instanceId)
      throw new NotAllowedError(
        `${url.hostname} is not the host of an engine instance`,
      );
    return instanceId;
  }

  router.all('/forward-auth', async (req, res, next) => {
    if (!deps.forwardAuth) {
      next();
      return;
    }
    const url = originalUrl(req.headers);
    const instanceId = instanceAt(url);
    // nginx builds the URL from the Host header, which a client can set apart
    // from the host it is routed by; each Ingress names its instance itself.
    if (req.query.instance !== instanceId) {
      throw new NotAllowedError(
        `the Ingress of instance ${
          typeof req.query.instance === 'string'
            ? req.query.instance
            : '(none named in its auth URL)'
        } does not serve ${url.hostname}`,
      );
    }
    const host = url.hostname;
    const ticket = url.searchParams.get(TICKET_PARAM) ?? undefined;
    const entry = await deps.cache.getFresh(instanceId);
    let grant = sessions.session(req.headers.cookie, url);
    // A session from before the instance changed owner is of no use; a new ticket replaces it.
    if (grant && grant.owner !== entry?.ownerRef) grant = undefined;
    // A page reloaded with its ticket still in the URL keeps the session it has.
    if (!grant && ticket !== undefined) {
      const redeemed = await sessions.redeem(ticket, url);
      grant = redeemed.grant;
      res.setHeader('set-cookie', redeemed.setCookie);
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
    // ingress-nginx passes the request's headers on to the auth request.
    refuseServiceWorker(req.headers);
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
      // The ticket rides in the URL: never over plain http when the hosts are https.
      if (target.protocol !== `${hosts.scheme}:`)
        throw new InputError(
          `rd must be an ${hosts.scheme} URL, as the engine hosts are, not ${target.protocol}`,
        );
      let credentials;
      try {
        credentials = await deps.users.credentials(req);
      } catch (error) {
        // A bookmark opened without the portal's cookie: the portal signs
        // the browser in and sends it back here, once (`portal=1`).
        if (!wantsPage(req) || req.query.portal === '1') throw error;
        res.redirect(
          302,
          `${deps.portalUrl}?open=${encodeURIComponent(target.toString())}`,
        );
        return;
      }
      // Running or not: opening a released engine's address may wake it,
      // for those who may start it (the release permission).
      const entry = await deps.access.open(credentials, instanceId);
      const mayStart = await instanceFilter(
        deps.permissions,
        credentials,
        instanceReleasePermission,
      );
      target.searchParams.set(
        TICKET_PARAM,
        sessions.ticket(
          target.hostname,
          credentials.principal.userEntityRef,
          entry.ownerRef,
          mayStart(entry),
        ),
      );
      // A redirect's policy holds for the next hop: whatever link led here,
      // the engine learns nothing of the portal page it was on.
      res.setHeader('referrer-policy', 'no-referrer');
      res.redirect(302, target.toString());
    } catch (error) {
      answerError(req, res, error as Error, deps.portalUrl);
    }
  });

  return router;
}
