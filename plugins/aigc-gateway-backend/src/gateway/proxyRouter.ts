import http from 'node:http';
import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { HttpProxy } from './HttpProxy';
import { WebSocketProxy } from './WebSocketProxy';

/**
 * The gateway's routes in the plugin router: the user cookie, and the proxy
 * for requests that reach Express before the proxy has taken its place ahead
 * of it (the backend does not hand plugins its HTTP server, so the first
 * request to the plugin brings it, as in Backstage's signals plugin).
 */
export function proxyRouter(deps: {
  httpAuth: HttpAuthService;
  http: HttpProxy;
  webSockets: WebSocketProxy;
}): express.Router {
  const router = Router();

  router.use((req, _res, next) => {
    const server = (req.socket as unknown as { server?: http.Server }).server;
    deps.http.attachTo(server);
    deps.webSockets.attachTo(server);
    next();
  });

  // Sets the user cookie that browser navigations to the proxy carry.
  router.get('/cookie', async (req, res) => {
    await deps.httpAuth.credentials(req, { allow: ['user'] });
    const { expiresAt } = await deps.httpAuth.issueUserCookie(res);
    res.json({ expiresAt: expiresAt.toISOString() });
  });

  router.all(/^\/instances\/([^/]+)\/proxy(\/.*)?$/, (req, res) =>
    deps.http.handle(req, res, req.params[0]),
  );

  return router;
}
