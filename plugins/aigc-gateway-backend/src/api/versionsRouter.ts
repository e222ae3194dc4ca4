import express from 'express';
import Router from 'express-promise-router';
import {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  CreateVersionResponse,
  VersionListResponse,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  createVersionRequestSchema,
  GatewayConfig,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { versionStatusRequestSchema } from './requestSchemas';
import { DefinitionCache } from '../store/DefinitionCache';
import { DefinitionStore } from '../store/DefinitionStore';
import { InstanceStore } from '../store/InstanceStore';
import { createVersion, VersionRuntime } from '../versions/createVersion';
import { z } from 'zod';
import { parse } from './parse';
import { authorizeVersionManage } from './authorizeVersionManage';
import { toVersionView } from './templatesRouter';

const dryRunQuerySchema = z
  .object({ dryRun: z.enum(['true', 'false']).default('false') })
  .passthrough();

export function versionsRouter(deps: {
  definitionStore: DefinitionStore;
  definitionCache: DefinitionCache;
  store: InstanceStore;
  runtime: VersionRuntime;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  gatewayConfig: GatewayConfig;
}): express.Router {
  const router = Router();

  const authorizeManage = (req: express.Request, what: string) =>
    authorizeVersionManage(deps, req, what);

  router.post('/versions', async (req, res) => {
    await authorizeManage(req, 'creating engine versions');
    const { dryRun } = parse(dryRunQuerySchema, req.query, 'query');
    const { templateId, basedOn, ...version } = parse(
      createVersionRequestSchema,
      req.body,
      'body',
    );
    const created = await createVersion(
      {
        store: deps.definitionStore,
        definitions: deps.definitionCache,
        runtime: deps.runtime,
      },
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
    res
      .status(created.outcome === 'created' && dryRun !== 'true' ? 201 : 200)
      .json(body);
  });

  router.get('/versions', async (req, res) => {
    await deps.httpAuth.credentials(req, { allow: ['user', 'service'] });
    const [sources, counts] = await Promise.all([
      deps.definitionStore.versionSources(),
      deps.store.countByVersion(),
    ]);
    const body: VersionListResponse = {
      items: [...deps.definitionCache.current().templates.values()].map(
        template => ({
          templateId: template.id,
          title: template.title,
          versions: [...template.versions].reverse().map(v => {
            const key = `${template.id} ${v.version}`;
            return {
              ...toVersionView(v),
              source: sources.get(key) ?? 'config',
              instances: counts.get(key) ?? { total: 0, holdingCompute: 0 },
            };
          }),
        }),
      ),
    };
    res.json(body);
  });

  router.patch('/versions/:templateId/:version', async (req, res) => {
    await authorizeManage(req, 'changing engine versions');
    const { templateId, version } = req.params;
    const { status } = parse(versionStatusRequestSchema, req.body, 'body');
    const outcome = await deps.definitionStore.setVersionStatus(
      templateId,
      version,
      status,
    );
    if (outcome === 'missing') {
      throw new NotFoundError(
        `version "${version}" of engine template "${templateId}" does not exist`,
      );
    }
    if (outcome === 'from-config') {
      throw new ConflictError(
        `version "${version}" of "${templateId}" comes from app-config; change its status there`,
      );
    }
    await deps.definitionCache.reload();
    const updated = deps.definitionCache
      .current()
      .templates.get(templateId)!
      .versions.find(v => v.version === version)!;
    res.json({ templateId, version: toVersionView(updated) });
  });

  return router;
}
