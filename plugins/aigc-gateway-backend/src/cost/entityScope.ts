import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { catalogNames } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { Definitions } from '../store/DefinitionStore';
import { CostScope } from './CostLedger';

/**
 * The usage a catalog entity stands for (DESIGN §9): a user's own instances,
 * the instances a group's members launched, an engine template's or
 * version's instances, a pool's, or one instance. Unknown things are 404.
 */
export async function entityScope(
  entityRef: string,
  definitions: Definitions,
  instanceExists: (id: string) => Promise<boolean>,
): Promise<{ ref: string; scope: CostScope }> {
  let parsed;
  try {
    parsed = parseEntityRef(entityRef, { defaultNamespace: 'default' });
  } catch (error) {
    throw new InputError(
      `invalid entityRef "${entityRef}": ${(error as Error).message}`,
    );
  }
  const ref = stringifyEntityRef(parsed);
  const { kind, namespace, name } = parsed;
  const kindName = kind.toLocaleLowerCase('en-US');
  if (kindName === 'user') return { ref, scope: { ownerRef: ref } };
  if (kindName === 'group') return { ref, scope: { groupRef: ref } };
  if (namespace !== 'default')
    throw new NotFoundError(
      `no gateway entity is ${ref}: they live in the default namespace`,
    );
  if (kindName === 'component') {
    for (const template of definitions.templates.values()) {
      if (catalogNames.template(template.id) === name)
        return { ref, scope: { templateId: template.id } };
      for (const v of template.versions) {
        if (catalogNames.version(template.id, v.version) === name) {
          return {
            ref,
            scope: { templateId: template.id, version: v.version },
          };
        }
      }
    }
    throw new NotFoundError(
      `no engine template or version is published as ${ref}`,
    );
  }
  if (kindName === 'resource') {
    for (const pool of definitions.pools.values()) {
      if (catalogNames.pool(pool.id) === name)
        return { ref, scope: { poolId: pool.id } };
    }
    const instanceId = name.startsWith(catalogNames.instance(''))
      ? name.slice(catalogNames.instance('').length)
      : '';
    if (instanceId && (await instanceExists(instanceId)))
      return { ref, scope: { instanceId } };
    throw new NotFoundError(
      `no GPU pool or engine instance is published as ${ref}`,
    );
  }
  throw new InputError(
    `entityRef ${ref} has no costs: use a user, a group, an engine component or a pool or instance resource`,
  );
}
