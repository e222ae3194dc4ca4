import {
  Entity,
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} from '@backstage/catalog-model';
import {
  catalogAnnotations,
  catalogNames,
  catalogRefs,
  EngineTemplateView,
  InstanceView,
  PoolView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/**
 * What the gateway serves, as the provider reads it.
 *
 * @public
 */
export interface GatewaySnapshot {
  templates: EngineTemplateView[];
  pools: PoolView[];
  instances: InstanceView[];
}

const lifecycleOf = {
  active: 'production',
  deprecated: 'deprecated',
  retired: 'retired',
} as const;

/**
 * The catalog entities of DESIGN §10: templates and versions as Components
 * (`aigc-engine`, `aigc-engine-version` subcomponent of its template), pools
 * and instances as Resources (`gpu-pool`, `aigc-engine-instance` owned by its
 * user and depending on its version and pool). Deleted instances are left out,
 * so they disappear from the catalog.
 *
 * @public
 */
export function toEntities(
  snapshot: GatewaySnapshot,
  options: { location: string; appBaseUrl: string; poolOwner: string },
): Entity[] {
  const gatewayPage = `${options.appBaseUrl}/aigc-gateway`;
  const annotations = (extra: Record<string, string>) => ({
    [ANNOTATION_LOCATION]: options.location,
    [ANNOTATION_ORIGIN_LOCATION]: options.location,
    ...extra,
  });
  const entities: Entity[] = [];
  for (const t of snapshot.templates) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: catalogNames.template(t.id),
        title: t.title,
        description: t.description,
        annotations: annotations({ [catalogAnnotations.template]: t.id }),
        tags: ['aigc', t.kind],
        links: [{ url: gatewayPage, title: 'Launch in the AIGC Gateway' }],
      },
      spec: { type: 'aigc-engine', lifecycle: 'production', owner: t.owner },
    });
    for (const v of t.versions) {
      entities.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: catalogNames.version(t.id, v.version),
          title: `${t.title} ${v.version}`,
          description: `Version ${v.version} of ${t.title} (data layout ${v.dataLayout}; ${v.status}).`,
          annotations: annotations({
            [catalogAnnotations.template]: t.id,
            [catalogAnnotations.version]: v.version,
          }),
          tags: ['aigc', v.status],
        },
        spec: {
          type: 'aigc-engine-version',
          lifecycle: lifecycleOf[v.status],
          owner: t.owner,
          subcomponentOf: catalogRefs.template(t.id),
          dependsOn: v.pools.map(catalogRefs.pool),
        },
      });
    }
  }
  for (const p of snapshot.pools) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: catalogNames.pool(p.id),
        title: p.title,
        description: `${p.gpusPerInstance} × ${p.gpuType} per instance, ${p.pricePerHour} ${p.currency} per GPU-hour.`,
        annotations: annotations({ [catalogAnnotations.pool]: p.id }),
        tags: ['aigc', 'gpu'],
      },
      spec: { type: 'gpu-pool', owner: options.poolOwner },
    });
  }
  const templates = new Map(snapshot.templates.map(t => [t.id, t]));
  for (const i of snapshot.instances) {
    if (i.state === 'deleted') continue;
    const title = templates.get(i.templateId)?.title ?? i.templateId;
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: catalogNames.instance(i.id),
        title: `${title}${i.name ? ` "${i.name}"` : ''} of ${i.ownerRef.replace(
          /^user:(default\/)?/,
          '',
        )}`,
        description: `${title} ${i.version} in pool ${i.poolId}; ${i.state}.`,
        annotations: annotations({
          [catalogAnnotations.instance]: i.id,
          [catalogAnnotations.template]: i.templateId,
          // The Kubernetes runtime labels the instance's pod, service and claim with the same id.
          'backstage.io/kubernetes-id': catalogNames.instance(i.id),
        }),
        tags: ['aigc', i.state],
        links: [
          // Its address for good: a bookmark opens it, released or not.
          { url: i.address, title: 'Open the engine' },
          { url: gatewayPage, title: 'Manage in the AIGC Gateway' },
        ],
      },
      spec: {
        type: 'aigc-engine-instance',
        owner: i.ownerRef,
        dependsOn: [
          catalogRefs.version(i.templateId, i.version),
          catalogRefs.pool(i.poolId),
        ],
      },
    });
  }
  return entities;
}
