import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  EngineRuntime,
  EngineTemplate,
  EngineVersion,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { DefinitionCache } from '../store/DefinitionCache';
import { DefinitionStore } from '../store/DefinitionStore';
import { NO_RUNTIME_MESSAGE } from '../runtime/NoRuntime';

/** What creating a version asks of the gateway's runtime. */
export type VersionRuntime = Pick<EngineRuntime, 'id' | 'refuseVersion'>;

export interface CreatedVersion {
  outcome: 'created' | 'existing';
  template: EngineTemplate;
  version: EngineVersion;
}

const dryRunOutcome = {
  absent: 'created',
  same: 'existing',
  different: 'different',
} as const;

/**
 * Adds a version to a template, after the checks the request schema cannot
 * make alone: the template and pools exist and the version can run on this
 * gateway's runtime. Creating the same version twice is not an error, so a
 * retried request (or scaffolder step) succeeds; a different one with the
 * same number is a conflict. A dry run makes every check and stores nothing.
 */
export async function createVersion(
  deps: {
    store: DefinitionStore;
    definitions: DefinitionCache;
    runtime: VersionRuntime;
  },
  templateId: string,
  requested: EngineVersion,
  options: { dryRun?: boolean; basedOn?: string } = {},
): Promise<CreatedVersion> {
  const { templates, pools } = deps.definitions.current();
  const template = templates.get(templateId);
  if (!template)
    throw new NotFoundError(`engine template "${templateId}" does not exist`);
  const version = options.basedOn
    ? inherit(template, options.basedOn, requested)
    : requested;
  const unknownPools = version.pools.filter(p => !pools.has(p));
  if (unknownPools.length > 0) {
    throw new InputError(
      `unknown pool(s) ${unknownPools.map(p => `"${p}"`).join(', ')} (pools: ${
        [...pools.keys()].join(', ') || 'none'
      })`,
    );
  }
  const runtimeId = deps.runtime.id;
  if (runtimeId === 'none')
    throw new ServiceUnavailableError(NO_RUNTIME_MESSAGE);
  const specs = version.runtime as Record<string, unknown>;
  if (!specs[runtimeId]) {
    throw new InputError(
      `this gateway runs engines on the "${runtimeId}" runtime, so the version needs runtime.${runtimeId}`,
    );
  }
  const refused = deps.runtime.refuseVersion?.(version);
  if (refused) throw new InputError(refused);
  const outcome = options.dryRun
    ? dryRunOutcome[await deps.store.compareVersion(template.id, version)]
    : await deps.store.addVersion(template.id, version);
  if (outcome === 'different') {
    throw new ConflictError(
      `version "${version.version}" of "${template.id}" already exists with a different definition; choose a new version number`,
    );
  }
  if (options.dryRun) return { outcome, template, version };
  await deps.definitions.reload();
  const stored = deps.definitions.current().templates.get(template.id)!;
  return {
    outcome,
    template: stored,
    version: stored.versions.find(v => v.version === version.version)!,
  };
}

/** The version with the runtime specs and migrations it leaves out taken from `basedOn`. */
function inherit(
  template: EngineTemplate,
  basedOn: string,
  version: EngineVersion,
): EngineVersion {
  const base = template.versions.find(v => v.version === basedOn);
  if (!base) {
    throw new InputError(
      `basedOn: version "${basedOn}" of "${template.id}" does not exist`,
    );
  }
  const migrations = new Map(
    base.migrations.map(m => [`${m.fromLayout}->${m.toLayout}`, m]),
  );
  for (const m of version.migrations)
    migrations.set(`${m.fromLayout}->${m.toLayout}`, m);
  return {
    ...version,
    runtime: { ...base.runtime, ...version.runtime },
    migrations: [...migrations.values()],
  };
}
