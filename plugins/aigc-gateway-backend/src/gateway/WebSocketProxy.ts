import { IncomingMessage, Server } from 'node:http';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EngineRuntime,
  RuntimeEndpoint,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { AccessCache } from './AccessCache';
import { ActivityRecorder } from './ActivityRecorder';
import { resolveTarget } from './resolveTarget';
import { UserCredentialsCache } from './UserCredentialsCache';
import { ProxyAccess } from './ProxyAccess';
import { claimsIdentity } from './headers';
import { errorBody, errorStatus } from './errors';
import { NotFoundError } from '@backstage/errors';

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
export function refuse(socket: Duplex, error: Error) {
  const status = errorStatus(error);
  const body = errorBody(error, status);
  socket.end(
    `HTTP/1.1 ${status} ${error.name}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(
        body,
      )}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Proxies WebSocket upgrades at `…/instances/:id/proxy/…`. Each upgrade is
 * authorised like an HTTP request; each frame marks activity; connections to
 * an instance that stops running are closed within a second.
 */
export class WebSocketProxy {
  private readonly open = new Map<string, Set<Duplex>>();
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
    for (const sockets of this.open.values())
      for (const s of sockets) s.destroy();
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
    request: { method: string; path: string; headers: Array<[string, string]> },
  ) {
    const upstream = net.connect(endpoint.port, endpoint.host);
    const lines = [
      `${request.method} ${request.path} HTTP/1.1`,
      `host: ${endpoint.host}:${endpoint.port}`,
      ...request.headers.map(([name, value]) => `${name}: ${value}`),
    ];
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) upstream.write(head);
    const sockets = this.open.get(instanceId) ?? new Set();
    sockets.add(socket);
    this.open.set(instanceId, sockets);
    const markActive = () => this.deps.activity.mark(instanceId);
    socket.on('data', markActive);
    upstream.on('data', markActive);
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      socket.destroy();
      upstream.destroy();
      sockets.delete(socket);
    };
    socket.on('close', close);
    socket.on('error', close);
    upstream.on('close', close);
    upstream.on('error', close);
  }

  private closeStopped() {
    for (const [instanceId, sockets] of this.open) {
      if (this.deps.cache.get(instanceId)?.state !== 'running') {
        for (const s of sockets) s.destroy();
        this.open.delete(instanceId);
      } else if (sockets.size === 0) {
        this.open.delete(instanceId);
      }
    }
  }
}
