import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createVersionRequestSchema,
  CreateVersionResponse,
  versionManagePermission,
} from '@internal/plugin-aigc-gateway-common';
import { DefinitionCache } from '../store/DefinitionCache';
import { DefinitionStore } from '../store/DefinitionStore';
import { createVersion } from '../versions/createVersion';
import { z } from 'zod';
import { parse } from './parse';
import { toVersionView } from './templatesRouter';

const dryRunQuerySchema = z.object({ dryRun: z.enum(['true', 'false']).default('false') }).passthrough();

export function versionsRouter(deps: {
  definitionStore: DefinitionStore;
  definitionCache: DefinitionCache;
  runtimeId: string;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const router = Router();

  router.post('/versions', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await deps.permissions.authorize([{ permission: versionManagePermission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('creating engine versions needs the aigc-gateway.version.manage permission');
    }
    const { dryRun } = parse(dryRunQuerySchema, req.query, 'query');
    const { templateId, basedOn, ...version } = parse(createVersionRequestSchema, req.body, 'body');
    const created = await createVersion(
      { store: deps.definitionStore, definitions: deps.definitionCache, runtimeId: deps.runtimeId },
      templateId,
      version,
      { dryRun: dryRun === 'true', basedOn },
    );
    const body: CreateVersionResponse = {
      templateId,
      version: toVersionView(created.version),
      outcome: created.outcome,
      dryRun: dryRun === 'true',
    };
    res.status(created.outcome === 'created' && dryRun !== 'true' ? 201 : 200).json(body);
  });

  return router;
}
