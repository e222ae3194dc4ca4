import {
  EngineTemplateView,
  EngineVersionView,
  PoolView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/** The version a launch gets by default: the newest active one, else the newest. */
export function preferredVersion(template: EngineTemplateView): string {
  const newestFirst = [...template.versions].reverse();
  return (newestFirst.find(v => v.status === 'active') ?? newestFirst[0])
    .version;
}

export function versionLabel(version: EngineVersionView): string {
  return `${version.version} (${version.status})`;
}

/** A pool with its live free capacity and what an instance costs there per hour. */
export function poolLabel(pool: PoolView): string {
  const price = `${pool.instancePricePerHour.toFixed(2)} ${pool.currency}/h`;
  const free =
    pool.capacity.free > 0
      ? `${pool.capacity.free} of ${pool.capacity.total} free`
      : 'full, launches queue';
  return `${pool.title} — ${free}, ${price}`;
}
