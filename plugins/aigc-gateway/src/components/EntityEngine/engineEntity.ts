import { Entity } from '@backstage/catalog-model';
import { catalogAnnotations } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/**
 * For `EntitySwitch` and entity content filters: is this an engine template or version component?
 *
 * @public
 */
export function isAigcEngine(entity: Entity): boolean {
  const type = (entity.spec as { type?: unknown } | undefined)?.type;
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    (type === 'aigc-engine' || type === 'aigc-engine-version')
  );
}

/** The engine template an entity stands for: its annotation, else its name. */
export function engineTemplateIdOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[catalogAnnotations.template] ??
    entity.metadata.name
  );
}
