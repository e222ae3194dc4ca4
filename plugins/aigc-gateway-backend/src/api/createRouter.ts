import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { GatewayConfig } from '@internal/plugin-aigc-gateway-common';
import { templatesRouter } from './templatesRouter';

/** The plugin's REST API, one sub-router per resource. */
export function createRouter(options: {
  gatewayConfig: GatewayConfig;
  httpAuth: HttpAuthService;
}): express.Router {
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  router.use(templatesRouter(options));
  return router;
}
