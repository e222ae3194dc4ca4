/**
 * How gateway things appear as catalog entities (DESIGN §10), shared by the
 * catalog provider, the cost API and the entity tabs: engine templates and
 * versions are Components, pools and instances are Resources, all in the
 * default namespace.
 */

/** Catalog names allow [A-Za-z0-9._-]; version strings may hold `+`. */
const safe = (value: string) => value.replace(/[^A-Za-z0-9._-]/g, '-');

/** @public */
export const catalogNames = {
  template: (templateId: string) => templateId,
  version: (templateId: string, version: string) =>
    safe(`${templateId}-v${version}`),
  pool: (poolId: string) => `gpu-pool-${poolId}`,
  instance: (instanceId: string) => `aigc-instance-${instanceId}`,
};

/** @public */
export const catalogRefs = {
  template: (templateId: string) =>
    `component:default/${catalogNames.template(templateId)}`,
  version: (templateId: string, version: string) =>
    `component:default/${catalogNames.version(templateId, version)}`,
  pool: (poolId: string) => `resource:default/${catalogNames.pool(poolId)}`,
  instance: (instanceId: string) =>
    `resource:default/${catalogNames.instance(instanceId)}`,
};

/**
 * Annotations the catalog provider sets, naming the gateway thing an entity stands for.
 *
 * @public
 */
export const catalogAnnotations = {
  template: 'aigc-gateway.io/template-id',
  version: 'aigc-gateway.io/version',
  pool: 'aigc-gateway.io/pool-id',
  instance: 'aigc-gateway.io/instance-id',
};

/**
 * The events topic the gateway publishes to whenever instances change.
 *
 * @public
 */
export const INSTANCES_CHANGED_TOPIC = 'aigc-gateway.instances-changed';

/**
 * Published on Backstage's events service when templates, versions or pools change.
 *
 * @public
 */
export const DEFINITIONS_CHANGED_TOPIC = 'aigc-gateway.definitions-changed';
