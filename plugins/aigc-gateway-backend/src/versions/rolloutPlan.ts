import { InputError, NotFoundError } from '@backstage/errors';
import {
  computeStates,
  RolloutPlanItemView,
  RolloutRequest,
  RolloutTiming,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  canMigrate,
  EngineRuntime,
  EngineTemplate,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { Definitions } from '../store/DefinitionStore';
import { InstanceStore } from '../store/InstanceStore';
import { migrationPlan } from './migrationPlan';

/** A rollout request with its defaults filled in. */
export type RolloutOptions = Required<RolloutRequest>;

/**
 * What a rollout would do: every instance on `from`, the migrations its
 * data goes through, whether it is a canary and when it switches. Refuses,
 * naming the field or the instances, what the rollout could not do.
 */
export async function planRollout(
  deps: {
    definitions: () => Definitions;
    store: InstanceStore;
    runtime: EngineRuntime;
  },
  options: RolloutOptions,
): Promise<{ template: EngineTemplate; items: RolloutPlanItemView[] }> {
  const template = deps.definitions().templates.get(options.templateId);
  if (!template)
    throw new NotFoundError(
      `engine template "${options.templateId}" does not exist`,
    );
  const version = (field: 'from' | 'to') => {
    const found = template.versions.find(v => v.version === options[field]);
    if (!found)
      throw new InputError(
        `${field}: version "${options[field]}" of "${template.id}" does not exist`,
      );
    return found;
  };
  version('from');
  const target = version('to');
  if (options.from === options.to) {
    throw new InputError(
      `from and to are both ${options.to}; a rollout moves instances to another version`,
    );
  }
  if (target.status === 'retired') {
    throw new InputError(
      `to: version ${options.to} of "${template.id}" is retired; roll out to an active version`,
    );
  }

  const instances = await deps.store.listOnVersion(template.id, options.from);
  const unmigratable: string[] = [];
  const planned = await Promise.all(
    instances.map(async instance => {
      const volume = await deps.store.getVolume(instance.volumeId);
      const layout = volume?.dataLayout ?? target.dataLayout;
      try {
        return {
          instance,
          layout,
          migrations: migrationPlan(template, target, layout),
        };
      } catch {
        unmigratable.push(
          `${instance.name} (${instance.id}, layout ${layout})`,
        );
        return { instance, layout, migrations: [] };
      }
    }),
  );
  if (unmigratable.length > 0) {
    throw new InputError(
      `no migration takes the data of ${unmigratable.join(', ')} to layout ${
        target.dataLayout
      } of version ${options.to}; declare one under its migrations`,
    );
  }
  if (deps.runtime.volumesBoundToVersion) {
    throw new InputError(
      `the ${deps.runtime.id} runtime keeps each volume with its engine version, so versions cannot be rolled out`,
    );
  }
  if (planned.some(p => p.migrations.length > 0) && !canMigrate(deps.runtime)) {
    throw new InputError(
      `the ${deps.runtime.id} runtime cannot migrate volumes, so instances cannot change data layout`,
    );
  }

  // Canaries are the instances that can switch now, oldest first.
  const canaries = new Set(
    [...planned]
      .sort(
        (a, b) =>
          Number(a.instance.state !== 'released') -
          Number(b.instance.state !== 'released'),
      )
      .slice(
        0,
        options.canaryPercent > 0
          ? Math.ceil((planned.length * options.canaryPercent) / 100)
          : 0,
      )
      .map(p => p.instance.id),
  );
  const items = planned.map(({ instance, layout, migrations }) => ({
    instanceId: instance.id,
    name: instance.name,
    ownerRef: instance.ownerRef,
    state: instance.state,
    dataLayout: layout,
    migrations: migrations.map(m => ({
      fromLayout: m.fromLayout,
      toLayout: m.toLayout,
    })),
    canary: canaries.has(instance.id),
    when: timing(instance.state, options.force),
  }));
  // Canaries first; the runner switches in this order.
  return {
    template,
    items: [...items.filter(i => i.canary), ...items.filter(i => !i.canary)],
  };
}

function timing(
  state: RolloutPlanItemView['state'],
  force: boolean,
): RolloutTiming {
  if (state === 'released') return 'now';
  if (force && (computeStates.includes(state) || state === 'queued'))
    return 'after a forced release';
  return 'at its next release';
}
