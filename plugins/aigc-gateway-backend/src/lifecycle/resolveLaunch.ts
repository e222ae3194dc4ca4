import { InputError, NotFoundError } from '@backstage/errors';
import {
  EngineTemplate,
  EngineVersion,
  GpuPool,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { Definitions } from '../store/DefinitionStore';

export interface ResolvedLaunch {
  template: EngineTemplate;
  version: EngineVersion;
  pool: GpuPool;
}

/** The newest active version, else the newest deprecated one. */
function defaultVersion(template: EngineTemplate): EngineVersion | undefined {
  const launchable = [...template.versions].reverse();
  return (
    launchable.find(v => v.status === 'active') ??
    launchable.find(v => v.status === 'deprecated')
  );
}

/**
 * Turns a launch request into the template, version and pool it means, or
 * a 4xx that names what is wrong: unknown → 404, not allowed → 400.
 */
export function resolveLaunch(
  definitions: Definitions,
  request: { templateId: string; version?: string; poolId?: string },
): ResolvedLaunch {
  const template = definitions.templates.get(request.templateId);
  if (!template) {
    throw new NotFoundError(
      `engine template "${request.templateId}" does not exist`,
    );
  }
  const version = request.version
    ? template.versions.find(v => v.version === request.version)
    : defaultVersion(template);
  if (!version) {
    throw request.version
      ? new NotFoundError(
          `version "${request.version}" of engine template "${template.id}" does not exist`,
        )
      : new InputError(
          `engine template "${template.id}" has no launchable version`,
        );
  }
  if (version.status === 'retired') {
    throw new InputError(
      `version "${version.version}" of "${template.id}" is retired and cannot be launched`,
    );
  }
  const poolId = request.poolId ?? version.defaultPool ?? version.pools[0];
  const pool = definitions.pools.get(poolId);
  if (!pool) {
    throw new NotFoundError(`GPU pool "${poolId}" does not exist`);
  }
  if (!version.pools.includes(pool.id)) {
    throw new InputError(
      `version "${version.version}" of "${template.id}" may not run in pool "${
        pool.id
      }" (allowed: ${version.pools.join(', ')})`,
    );
  }
  return { template, version, pool };
}
