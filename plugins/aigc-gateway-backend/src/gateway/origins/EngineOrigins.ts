import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EngineOriginsConfig,
  EngineRuntime,
  IngressHosts,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { AccessCache } from '../AccessCache';
import { refuseCrossSite } from '../crossSite';
import { refuseServiceWorker } from '../serviceWorkers';
import { HttpProxy } from '../HttpProxy';
import {
  EngineHost,
  HostSessions,
  TICKET_PARAM,
} from '../ingress/HostSessions';
import { refuse, upgradeHeaders, WebSocketProxy } from '../WebSocketProxy';
import { IngressGrant } from '../ingress/IngressTokens';
import { originRequestHeaders, originResponseHeaders } from './engineHeaders';
import { WakeOnAccess } from './wake/WakeOnAccess';

/** Host headers remembered; when full, the memory starts over. */
const MAX_KNOWN_HOSTS = 10_000;

/** Upgrade headers not passed as sent: the engine's host, and the cookie without the session. */
const HOST_AND_COOKIE: ReadonlySet<string> = new Set(['host', 'cookie']);

/**
 * Serves every engine at an origin of its own (`${instanceId}.engines…`) on
 * a listener of the gateway's, apart from the portal's: an engine's pages
 * then share no cookie, storage, service worker or origin-bound permission
 * with the portal or with another engine. A browser arrives with a one-minute
 * ticket from the portal's sign-in, which becomes a session cookie of that
 * host alone; after that, each request needs the session of its host, a
 * running instance still owned by whom the session was issued for, and, for
 * anything but reading navigations, the engine's own origin as its `Origin`.
 */
export class EngineOrigins {
  private server?: http.Server;
  private readonly knownHosts = new Map<string, EngineHost>();
  private hostsValue?: IngressHosts;

  constructor(
    private readonly config: EngineOriginsConfig,
    private readonly deps: {
      sessions: HostSessions;
      cache: AccessCache;
      runtime: EngineRuntime;
      http: HttpProxy;
      webSockets: WebSocketProxy;
      /** Answers for instances that do not run, waking them when that is asked for. */
      wake: WakeOnAccess;
      logger: LoggerService;
      /** The portal's sign-in for engine hosts (`…/ingress/sign-in`). */
      signInUrl: string;
    },
  ) {}

  /** The hosts of engines, with the port browsers use; known once listening. */
  get hosts(): IngressHosts {
    if (!this.hostsValue) throw new Error('engine origins are not listening');
    return this.hostsValue;
  }

  async start() {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch(error =>
        this.deps.http.fail(res, error as Error, req),
      );
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head) => {
      this.upgrade(req, socket, head).catch(error => refuse(socket, error));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port, this.config.listenHost, () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.hostsValue = new IngressHosts(
      this.config.host,
      this.config.scheme,
      this.config.publicPort ?? port,
    );
    this.deps.logger.info(
      `Serving engines at their own origins, such as ${this.hosts.originOf(
        '00000000-0000-4000-8000-000000000000',
      )}, on port ${port}`,
    );
  }

  async stop() {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const host = this.hostOf(req);
    const ticketUrl = req.url!.includes(TICKET_PARAM)
      ? this.requestUrl(req)
      : undefined;
    const ticket = ticketUrl?.searchParams.get(TICKET_PARAM);
    if (ticketUrl && typeof ticket === 'string') {
      // The ticket leaves the address bar (and history) at once.
      const { setCookie } = await this.deps.sessions.redeem(ticket, ticketUrl);
      ticketUrl.searchParams.delete(TICKET_PARAM);
      res.writeHead(303, {
        location: `${ticketUrl.pathname}${ticketUrl.search}`,
        'set-cookie': setCookie,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      res.end();
      return;
    }
    const grant = this.deps.sessions.session(req.headers.cookie, host);
    if (!grant && isNavigation(req)) {
      // As ingress-nginx's auth-signin: the portal signs the browser in and sends it back.
      res.writeHead(302, {
        location: `${this.deps.signInUrl}?rd=${encodeURIComponent(
          this.requestUrl(req).toString(),
        )}`,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    const { instanceId, entry, session } = await this.authorize(
      req,
      host.hostname,
      grant,
      false,
    );
    if (WakeOnAccess.owns(req.url)) {
      await this.deps.wake.serve(req, res, { instanceId, grant: session });
      return;
    }
    // Not running, or (as the cache may lag a second behind) just released or not yet up.
    const endpoint =
      entry.state === 'running'
        ? this.deps.runtime.endpoint(instanceId)
        : undefined;
    if (!endpoint) {
      await this.deps.wake.answer(req, res, { instanceId, grant: session });
      return;
    }
    await this.deps.http.forward(req, res, instanceId, endpoint, {
      path: req.url!,
      requestHeaders: originRequestHeaders(req.headers),
      responseHeaders: originResponseHeaders,
    });
  }

  private async upgrade(
    req: http.IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ) {
    const host = this.hostOf(req);
    const grant = this.deps.sessions.session(req.headers.cookie, host);
    const { instanceId, entry } = await this.authorize(
      req,
      host.hostname,
      grant,
      true,
    );
    const endpoint =
      entry.state === 'running'
        ? this.deps.runtime.endpoint(instanceId)
        : undefined;
    if (!endpoint) {
      refuse(socket, this.deps.wake.unavailable(instanceId, entry.state), {
        'retry-after': '5',
      });
      return;
    }
    // The engine's own cookies go through; the gateway's session does not.
    const headers = upgradeHeaders(req, HOST_AND_COOKIE);
    const cookie = originRequestHeaders(req.headers).cookie;
    if (typeof cookie === 'string') headers.push(['cookie', cookie]);
    this.deps.webSockets.connect(socket, head, instanceId, endpoint, {
      method: req.method!,
      path: req.url!,
      headers,
      user: grant!.user,
      expired: () => this.deps.sessions.expired(grant!),
    });
  }

  /**
   * The host a request names in its Host header, checked once per header
   * value: a browser sends the same one with every request to its engine.
   */
  private hostOf(req: http.IncomingMessage): EngineHost {
    if (!req.url?.startsWith('/'))
      throw new InputError(
        'a request to an engine names its host in Host and a path',
      );
    const header = req.headers.host ?? '';
    const known = this.knownHosts.get(header);
    if (known) return known;
    const { hostname, protocol } = this.requestUrl(req);
    if (this.knownHosts.size >= MAX_KNOWN_HOSTS) this.knownHosts.clear();
    const host = { hostname, protocol };
    this.knownHosts.set(header, host);
    return host;
  }

  /** The URL a request is for, from its Host header and origin-form target. */
  private requestUrl(req: http.IncomingMessage): URL {
    const host = req.headers.host;
    if (!host || !req.url?.startsWith('/'))
      throw new InputError(
        'a request to an engine names its host in Host and a path',
      );
    try {
      return new URL(`${this.hosts.scheme}://${host}${req.url}`);
    } catch {
      throw new InputError(`${JSON.stringify(host)} is not a host name`);
    }
  }

  /** Checks a request with the session its cookie holds (if any) for the engine at `hostname`. */
  private async authorize(
    req: http.IncomingMessage,
    hostname: string,
    grant: IngressGrant | undefined,
    upgrade: boolean,
  ) {
    const instanceId = this.hosts.instanceOf(hostname);
    if (!instanceId)
      throw new NotFoundError(`${hostname} is not the host of an engine`);
    if (!grant)
      throw new AuthenticationError(
        `no gateway session for ${hostname}; open the engine from the portal`,
      );
    refuseCrossSite(req, new Set([this.hosts.originOf(instanceId)]), upgrade);
    refuseServiceWorker(req.headers);
    const entry = await this.deps.cache.getFresh(instanceId);
    if (!entry || entry.ownerRef !== grant.owner)
      throw new NotFoundError(
        `instance ${instanceId} does not exist or changed owner; open it from the portal again`,
      );
    return { instanceId, entry, session: grant };
  }
}

/** A browser loading a page (not a script's request), which a redirect to the sign-in suits. */
function isNavigation(req: http.IncomingMessage) {
  if (req.method !== 'GET') return false;
  const mode = req.headers['sec-fetch-mode'];
  return mode !== undefined
    ? mode === 'navigate'
    : Boolean(req.headers.accept?.includes('text/html'));
}
