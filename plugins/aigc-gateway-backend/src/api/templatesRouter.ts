import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  EngineTemplateView,
  EngineVersionView,
  TemplateListResponse,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  EngineTemplate,
  EngineVersion,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { Definitions } from '../store/DefinitionStore';

/** What a caller sees of a template: versions and pools, not runtime specs. */
export function toTemplateView(template: EngineTemplate): EngineTemplateView {
  return {
    id: template.id,
    title: template.title,
    description: template.description,
    icon: template.icon,
    owner: template.owner,
    kind: template.kind,
    versions: template.versions.map(toVersionView),
  };
}

export function toVersionView(v: EngineVersion): EngineVersionView {
  return {
    version: v.version,
    status: v.status,
    dataLayout: v.dataLayout,
    pools: v.pools,
    defaultPool: v.defaultPool ?? v.pools[0],
  };
}

export function templatesRouter(options: {
  definitions: () => Definitions;
  httpAuth: HttpAuthService;
}): express.Router {
  const { definitions, httpAuth } = options;
  const router = Router();

  router.get('/templates', async (req, res) => {
    // Templates are for signed-in users; services may read them too.
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: TemplateListResponse = {
      items: [...definitions().templates.values()]
        .filter(t => t.versions.some(v => v.status !== 'retired'))
        .map(toTemplateView),
    };
    res.json(body);
  });

  return router;
}
