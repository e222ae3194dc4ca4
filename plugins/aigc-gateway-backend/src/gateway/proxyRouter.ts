import http from 'node:http';
import express from 'express';
import Router from 'express-promise-router';
import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { instanceReadPermission } from '@internal/plugin-aigc-gateway-common';
import { EngineRuntime } from '@internal/plugin-aigc-gateway-node';
import { AccessCache, AccessEntry } from './AccessCache';
import { instanceFilter } from '../permissions/authorizeInstance';
import { ActivityRecorder } from './ActivityRecorder';
import { engineRelativePath } from './proxyPath';
import { WebSocketProxy } from './WebSocketProxy';

/** Portal credentials and hop-by-hop headers never reach an engine. */
const STRIPPED = new Set([
  'cookie',
  'authorization',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

export function forwardHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!STRIPPED.has(name) && value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Decides, without a database query, whether a caller may use an instance:
 * its owner may; anyone else only with the read permission on it (admins).
 */
export class ProxyAccess {
  private readonly others = new Map<string, { allowed: boolean; until: number }>();

  constructor(
    private readonly cache: AccessCache,
    private readonly permissions: PermissionsService,
  ) {}

  async check(credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>, instanceId: string) {
    const entry = await this.cache.getFresh(instanceId);
    const user = credentials.principal.userEntityRef;
    if (!entry || (entry.ownerRef !== user && !(await this.mayRead(credentials, entry)))) {
      throw new NotFoundError(`instance ${instanceId} does not exist or is not yours`);
    }
    if (entry.state !== 'running') {
      throw new ConflictError(`instance ${instanceId} is ${entry.state}, not running; launch it first`);
    }
  }

  /** Someone else's instance: only with the read permission on it (admins); remembered for a second. */
  private async mayRead(
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    entry: AccessEntry,
  ) {
    const key = `${credentials.principal.userEntityRef} ${entry.ownerRef}`;
    const cached = this.others.get(key);
    if (cached && cached.until > Date.now()) return cached.allowed;
    const mayRead = await instanceFilter(this.permissions, credentials, instanceReadPermission);
    const allowed = mayRead(entry);
    this.others.set(key, { allowed, until: Date.now() + 1000 });
    return allowed;
  }
}

export function proxyRouter(deps: {
  httpAuth: HttpAuthService;
  access: ProxyAccess;
  runtime: EngineRuntime;
  activity: ActivityRecorder;
  webSockets: WebSocketProxy;
}): express.Router {
  const router = Router();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  router.use((req, _res, next) => {
    deps.webSockets.attachTo((req.socket as unknown as { server?: http.Server }).server);
    next();
  });

  // Sets the user cookie that browser navigations to the proxy carry.
  router.get('/cookie', async (req, res) => {
    await deps.httpAuth.credentials(req, { allow: ['user'] });
    const { expiresAt } = await deps.httpAuth.issueUserCookie(res);
    res.json({ expiresAt: expiresAt.toISOString() });
  });

  router.all(/^\/instances\/([^/]+)\/proxy(\/.*)?$/, async (req, res) => {
    const instanceId = req.params[0];
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
      allowLimitedAccess: true,
    });
    const path = engineRelativePath(req.originalUrl, instanceId);
    await deps.access.check(credentials, instanceId);
    const endpoint = deps.runtime.endpoint(instanceId);
    if (!endpoint) {
      throw new ConflictError(`instance ${instanceId} is not reachable yet; try again in a moment`);
    }
    deps.activity.mark(instanceId);
    const headers = forwardHeaders(req.headers);
    // Engine answers pass through as they are: the backend's compression
    // middleware must not re-encode (or buffer) them; the engine may compress.
    delete req.headers['accept-encoding'];
    await new Promise<void>(resolve => {
      const upstream = http.request(
        {
          host: endpoint.host,
          port: endpoint.port,
          method: req.method,
          path,
          headers,
          agent,
        },
        response => {
          // The portal's Content-Security-Policy is for the portal's pages;
          // an engine's pages bring their own (forwarded below) or none.
          res.removeHeader('content-security-policy');
          res.writeHead(response.statusCode ?? 502, forwardHeaders(response.headers));
          response.pipe(res);
          response.on('end', resolve);
          response.on('error', resolve);
        },
      );
      upstream.on('error', error => {
        if (!res.headersSent) {
          res.status(502).json({
            error: { name: 'BadGatewayError', message: `the engine did not answer: ${error.message}` },
          });
        }
        resolve();
      });
      req.pipe(upstream);
    });
  });

  return router;
}
