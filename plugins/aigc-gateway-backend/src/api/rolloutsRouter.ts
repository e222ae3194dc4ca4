import express from 'express';
import Router from 'express-promise-router';
import {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { RolloutListResponse } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  GatewayConfig,
  slugSchema,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { rolloutActionSchema, rolloutRequestSchema } from './requestSchemas';
import { z } from 'zod';
import { Rollouts } from '../versions/Rollouts';
import { authorizeVersionManage } from './authorizeVersionManage';
import { parse } from './parse';

const listQuerySchema = z
  .object({ templateId: slugSchema.optional() })
  .passthrough();

/** `/rollouts`: plan and start rollouts, follow their progress, pause, resume, abort, roll back. */
export function rolloutsRouter(deps: {
  rollouts: Rollouts;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  gatewayConfig: GatewayConfig;
}): express.Router {
  const router = Router();

  router.post('/rollouts', async (req, res) => {
    const actor = await authorizeVersionManage(
      deps,
      req,
      'rolling out versions',
    );
    const { dryRun, ...options } = parse(
      rolloutRequestSchema,
      req.body,
      'body',
    );
    if (dryRun) {
      res.json(await deps.rollouts.plan({ dryRun, ...options }));
      return;
    }
    res
      .status(201)
      .json(await deps.rollouts.start({ dryRun, ...options }, actor));
  });

  router.get('/rollouts', async (req, res) => {
    await authorizeVersionManage(deps, req, 'reading rollouts');
    const { templateId } = parse(listQuerySchema, req.query, 'query');
    const body: RolloutListResponse = {
      items: await deps.rollouts.list(templateId),
    };
    res.json(body);
  });

  router.get('/rollouts/:id', async (req, res) => {
    await authorizeVersionManage(deps, req, 'reading rollouts');
    res.json(await deps.rollouts.view(req.params.id));
  });

  router.post('/rollouts/:id/:action', async (req, res) => {
    const action = parse(rolloutActionSchema, req.params.action, 'action');
    const actor = await authorizeVersionManage(deps, req, 'changing rollouts');
    res.json(await deps.rollouts.act(req.params.id, action, actor));
  });

  return router;
}
