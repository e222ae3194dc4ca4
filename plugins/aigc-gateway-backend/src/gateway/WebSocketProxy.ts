import { IncomingMessage, Server } from 'node:http';
import { Duplex } from 'node:stream';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EngineRuntime,
  RuntimeEndpoint,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { AccessCache } from './AccessCache';
import { ActivityRecorder } from './ActivityRecorder';
import { EngineConnections } from './EngineConnections';
import { resolveTarget } from './resolveTarget';
import { UserCredentialsCache } from './UserCredentialsCache';
import { ProxyAccess } from './ProxyAccess';
import { claimsIdentity } from './headers';
import { errorBody, errorStatus } from './errors';
import { OpenPerUser } from './OpenPerUser';
import { NotFoundError } from '@backstage/errors';
import type { GatewayMetrics } from '../metrics/GatewayMetrics';

/** Request headers an engine must not see on an upgrade (portal credentials). */
const STRIPPED = new Set([
  'cookie',
  'authorization',
  'proxy-authorization',
  'host',
]);

/** An upgrade's headers as sent, in order, but for those named in `skip` (lower case). */
export function upgradeHeaders(
  req: IncomingMessage,
  skip: ReadonlySet<string>,
): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (!skip.has(name) && !claimsIdentity(name))
      headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  }
  return headers;
}

/** Answers an upgrade with the error, as JSON, and closes the connection. */
export function refuse(
  socket: Duplex,
  error: Error,
  headers: Record<string, string> = {},
) {
  const status = errorStatus(error);
  const body = errorBody(error, status);
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${error.name}\r\ncontent-type: application/json\r\n${extra}` +
      `content-length: ${Buffer.byteLength(
        body,
      )}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Proxies WebSocket upgrades at `…/instances/:id/proxy/…`. Each upgrade is
 * authorised like an HTTP request; each frame marks activity; connections to
 * an instance that stops running or changes owner are closed within a
 * second, and each user holds a bounded number of them.
 */
/** An engine's WebSocket joined to a client: whose it was when it opened, and who opened it. */
interface Tunnel {
  socket: Duplex;
  owner?: string;
  user: string;
  /** True once the credentials it was opened with have expired. */
  expired?: () => boolean;
}

export class WebSocketProxy {
  private readonly open = new Map<string, Set<Tunnel>>();
  private readonly perUser = new OpenPerUser(64, 'WebSockets to engines');
  private readonly attached = new WeakSet<Server>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      basePath: string;
      users: UserCredentialsCache;
      access: ProxyAccess;
      cache: AccessCache;
      runtime: EngineRuntime;
      activity: ActivityRecorder;
      metrics: Pick<GatewayMetrics, 'webSocketOpened' | 'webSocketClosed'>;
      connections: EngineConnections;
      /** The origin engine pages are served from: cookie requests must come from there. */
      ownOrigins: ReadonlySet<string>;
      cookieOnPathProxy: boolean;
      logger: LoggerService;
    },
  ) {}

  /**
   * The backend's HTTP server is not handed to plugins; take it from the
   * first request that reaches the plugin, as Backstage's signals plugin does.
   */
  attachTo(server: Server | undefined) {
    if (!server || this.attached.has(server)) return;
    this.attached.add(server);
    server.on(
      'upgrade',
      (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!req.url?.startsWith(`${this.deps.basePath}/instances/`)) return;
        this.handle(req, socket, head).catch(error => {
          this.deps.logger.warn(`WebSocket proxy failed: ${error}`);
          socket.destroy();
        });
      },
    );
    this.timer = setInterval(() => this.closeStopped(), 1000);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    for (const tunnels of this.open.values())
      for (const t of tunnels) t.socket.destroy();
  }

  private async handle(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const match = /\/instances\/([^/?]+)\/proxy(?:[/?]|$)/.exec(req.url!);
    if (!match) {
      // Under the gateway's path but not a proxy path: nobody else will answer.
      refuse(
        socket,
        new NotFoundError('not a WebSocket endpoint of the gateway'),
      );
      return;
    }
    const instanceId = match[1];
    let target;
    try {
      target = await resolveTarget(this.deps, req, instanceId);
    } catch (error) {
      refuse(socket, error as Error);
      return;
    }
    this.connect(socket, head, instanceId, target.endpoint, {
      path: target.path,
      method: req.method!,
      headers: upgradeHeaders(req, STRIPPED),
      user: target.user,
      expired: target.expired,
    });
  }

  /**
   * Joins an upgrade the caller has authorised to the engine: the request
   * line and the given headers go to the engine, then bytes flow both ways.
   */
  connect(
    socket: Duplex,
    head: Buffer,
    instanceId: string,
    endpoint: RuntimeEndpoint,
    request: {
      method: string;
      path: string;
      headers: Array<[string, string]>;
      /** Who opens it, counted against the per-user bound. */
      user: string;
      /** Whether its credentials have expired: the tunnel closes then. */
      expired?: () => boolean;
    },
  ) {
    let release: () => void;
    try {
      release = this.perUser.acquire(request.user);
    } catch (error) {
      refuse(socket, error as Error);
      return;
    }
    const upstream = this.deps.connections.connect(endpoint);
    const lines = [
      `${request.method} ${request.path} HTTP/1.1`,
      `host: ${endpoint.host}:${endpoint.port}`,
      ...request.headers.map(([name, value]) => `${name}: ${value}`),
    ];
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    const tunnels = this.open.get(instanceId) ?? new Set();
    const tunnel: Tunnel = {
      socket,
      owner: this.deps.cache.get(instanceId)?.ownerRef,
      user: request.user,
      expired: request.expired,
    };
    tunnels.add(tunnel);
    this.open.set(instanceId, tunnels);
    const markActive = () => this.deps.activity.mark(instanceId);
    upstream.on('data', markActive);
    upstream.pipe(socket);
    // The client's bytes go on only once the engine has switched protocols:
    // after a plain answer the connection would carry further HTTP requests
    // that the gateway never checked.
    let status = '';
    let connected = false;
    const onStatus = (chunk: Buffer) => {
      status += chunk.toString('latin1');
      const end = status.indexOf('\r\n');
      if (end < 0 && status.length < 64) return;
      upstream.off('data', onStatus);
      if (/^HTTP\/1\.[01] 101 /.test(status)) {
        connected = true;
        this.deps.metrics.webSocketOpened();
        if (head.length) upstream.write(head);
        socket.on('data', markActive);
        socket.pipe(upstream);
      } else {
        upstream.end();
      }
    };
    upstream.on('data', onStatus);
    const close = () => {
      socket.destroy();
      upstream.destroy();
      tunnels.delete(tunnel);
      release();
      if (connected) {
        connected = false;
        this.deps.metrics.webSocketClosed();
      }
    };
    socket.on('close', close);
    socket.on('error', close);
    upstream.on('close', close);
    upstream.on('error', close);
  }

  /** Closes tunnels to instances that stopped or changed owner, and those whose credentials expired. */
  private closeStopped() {
    for (const [instanceId, tunnels] of this.open) {
      const entry = this.deps.cache.get(instanceId);
      for (const t of tunnels)
        if (
          entry?.state !== 'running' ||
          entry.ownerRef !== t.owner ||
          t.expired?.()
        )
          t.socket.destroy();
      if (entry?.state !== 'running' || tunnels.size === 0)
        this.open.delete(instanceId);
    }
  }
}
