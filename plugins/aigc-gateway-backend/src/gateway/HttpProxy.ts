import http from 'node:http';
import { Dispatcher } from 'undici';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EngineRuntime,
  RuntimeEndpoint,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { ActivityRecorder } from './ActivityRecorder';
import { EngineConnections } from './EngineConnections';
import { errorStatus } from './errors';
import { answerError } from './errorPage';
import { forwardHeaders, pathResponseHeaders } from './headers';
import { resolveTarget } from './resolveTarget';
import { UserCredentialsCache } from './UserCredentialsCache';
import { ProxyAccess } from './ProxyAccess';
import type { JobCounter } from '../signals/JobCounter';
import type { GatewayMetrics } from '../metrics/GatewayMetrics';

/**
 * Proxies HTTP requests at `…/instances/:id/proxy/…` to the engine: the
 * caller is authenticated (token or user cookie) and must own the instance
 * or be allowed to read it; portal credentials are stripped; the answer is
 * streamed back as the engine sent it.
 */
export class HttpProxy {
  private readonly pattern: RegExp;
  private readonly attached = new WeakSet<http.Server>();

  constructor(
    private readonly deps: {
      basePath: string;
      users: UserCredentialsCache;
      access: ProxyAccess;
      runtime: EngineRuntime;
      activity: ActivityRecorder;
      /** Counts the job requests of engines that keep no count of their own. */
      jobs: Pick<JobCounter, 'observe'>;
      metrics: Pick<GatewayMetrics, 'proxiedRequest'>;
      connections: EngineConnections;
      /** The origin engine pages are served from: cookie requests must come from there. */
      ownOrigins: ReadonlySet<string>;
      cookieOnPathProxy: boolean;
      logger: LoggerService;
      /** The gateway page in the portal, linked from error pages. */
      portalUrl: string;
    },
  ) {
    const base = deps.basePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.pattern = new RegExp(`^${base}/instances/([^/?]+)/proxy(?:[/?]|$)`);
  }

  /** The instance a request URL is for, when it is a proxy request. */
  match(url: string | undefined): string | undefined {
    return url ? this.pattern.exec(url)?.[1] : undefined;
  }

  /**
   * Serves proxy requests ahead of the backend's Express stack. Every other
   * request goes on to it unchanged. The stack's generic middleware (helmet,
   * CORS, compression, request logging) is for the portal's own API; on the
   * proxy path it cost more than half the throughput.
   */
  attachTo(server: http.Server | undefined) {
    if (!server || this.attached.has(server)) return;
    this.attached.add(server);
    const others = server.listeners('request') as Array<
      (...args: unknown[]) => void
    >;
    server.removeAllListeners('request');
    server.on(
      'request',
      (req: http.IncomingMessage, res: http.ServerResponse) => {
        const instanceId = this.match(req.url);
        if (instanceId) void this.handle(req, res, instanceId);
        else for (const listener of others) listener.call(server, req, res);
      },
    );
  }

  async handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    instanceId: string,
  ) {
    let target;
    try {
      target = await resolveTarget(this.deps, req, instanceId);
    } catch (error) {
      this.fail(res, error as Error, req);
      return;
    }
    await this.forward(req, res, instanceId, target.endpoint, {
      path: target.path,
      requestHeaders: forwardHeaders(req.headers),
      responseHeaders: pathResponseHeaders,
    });
  }

  /**
   * Streams a request the caller has authorised to the engine and its answer
   * back, with the headers the caller chooses in each direction.
   */
  async forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    instanceId: string,
    endpoint: RuntimeEndpoint,
    options: {
      path: string;
      requestHeaders: http.OutgoingHttpHeaders;
      responseHeaders: (
        headers: http.IncomingHttpHeaders,
      ) => http.OutgoingHttpHeaders;
    },
  ) {
    this.deps.activity.mark(instanceId);
    this.deps.jobs.observe(instanceId, req, res, options.path);
    const started = performance.now();
    res.once('close', () =>
      this.deps.metrics.proxiedRequest(
        res.statusCode,
        (performance.now() - started) / 1000,
      ),
    );
    // A request without a declared body must not gain a chunked empty one.
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 ||
      req.headers['transfer-encoding'] !== undefined;
    const { dispatcher, origin } = this.deps.connections.http(endpoint);
    try {
      await dispatcher.stream(
        {
          origin,
          method: req.method as Dispatcher.HttpMethod,
          path: options.path,
          headers: options.requestHeaders as Record<string, string | string[]>,
          body: hasBody ? req : null,
        },
        ({ statusCode, headers }) => {
          // The portal's Content-Security-Policy is for the portal's pages;
          // an engine's pages bring their own (forwarded) or none.
          res.removeHeader('content-security-policy');
          res.writeHead(statusCode, options.responseHeaders(headers));
          return res;
        },
      );
    } catch (error) {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      this.fail(
        res,
        Object.assign(
          new Error(`the engine did not answer: ${(error as Error).message}`),
          { name: 'BadGatewayError' },
        ),
        req,
      );
    }
  }

  /** Answers with the error page, logging what is the gateway's or the engine's fault. */
  fail(res: http.ServerResponse, error: Error, req: http.IncomingMessage) {
    const status = errorStatus(error);
    if (status === 502)
      this.deps.logger.warn(`Proxy request failed: ${error.message}`);
    else if (status >= 500)
      this.deps.logger.error(`Proxy request failed: ${error.stack}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    answerError(req, res, error, this.deps.portalUrl);
  }
}
