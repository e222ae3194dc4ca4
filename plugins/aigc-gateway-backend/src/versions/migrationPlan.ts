import { InputError } from '@backstage/errors';
import {
  EngineTemplate,
  EngineVersion,
  Migration,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * The migrations that take a volume from one data layout to another: the
 * shortest chain over what the template's versions declare, the target
 * version's own migrations first. None when the layouts match.
 */
export function migrationPlan(
  template: EngineTemplate,
  target: EngineVersion,
  fromLayout: number,
): Migration[] {
  if (fromLayout === target.dataLayout) return [];
  const byFrom = new Map<number, Migration[]>();
  for (const version of [
    target,
    ...template.versions.filter(v => v !== target),
  ]) {
    for (const migration of version.migrations) {
      const list = byFrom.get(migration.fromLayout) ?? [];
      if (!list.some(m => m.toLayout === migration.toLayout))
        list.push(migration);
      byFrom.set(migration.fromLayout, list);
    }
  }
  // Breadth first: the fewest steps.
  const via = new Map<number, Migration>();
  const queue = [fromLayout];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const layout = queue.shift()!;
    for (const migration of byFrom.get(layout) ?? []) {
      if (seen.has(migration.toLayout)) continue;
      seen.add(migration.toLayout);
      via.set(migration.toLayout, migration);
      queue.push(migration.toLayout);
    }
  }
  if (!via.has(target.dataLayout)) {
    throw new InputError(
      `no migration takes data layout ${fromLayout} to layout ${target.dataLayout} of version ${target.version}; declare one under its migrations`,
    );
  }
  const steps: Migration[] = [];
  for (let layout = target.dataLayout; layout !== fromLayout; ) {
    const step = via.get(layout)!;
    steps.unshift(step);
    layout = step.fromLayout;
  }
  return steps;
}

/**
 * The migrations that undo `steps`, last step first: for each, one the
 * template's versions declare from its target layout back to its source.
 * For runtimes that cannot copy a volume aside; names the one missing.
 */
export function undoPlan(
  template: EngineTemplate,
  steps: Migration[],
  runtimeId: string,
): Migration[] {
  const declared = template.versions.flatMap(v => v.migrations);
  return [...steps].reverse().map(step => {
    const reverse = declared.find(
      m => m.fromLayout === step.toLayout && m.toLayout === step.fromLayout,
    );
    if (!reverse) {
      throw new InputError(
        `the ${runtimeId} runtime cannot copy volumes aside (no snapshot class), so every migration must be reversible: declare one from layout ${step.toLayout} to ${step.fromLayout}`,
      );
    }
    return reverse;
  });
}
