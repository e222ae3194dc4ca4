import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { PoolListResponse } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { poolViews } from '../operations/poolViews';

export function poolsRouter(
  deps: Parameters<typeof poolViews>[0] & { httpAuth: HttpAuthService },
): express.Router {
  const router = Router();
  router.get('/pools', async (req, res) => {
    await deps.httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: PoolListResponse = { items: await poolViews(deps) };
    res.json(body);
  });
  return router;
}
