import { Knex } from 'knex';
import {
  EngineTemplate,
  EngineVersion,
  GatewayClock,
  GatewayConfig,
  GpuPool,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { VersionStatus } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/** Templates (with their versions) and pools, as the gateway knows them now. */
export interface Definitions {
  templates: Map<string, EngineTemplate>;
  pools: Map<string, GpuPool>;
}

/**
 * Stores templates, versions and pools. Those from config are written at
 * every start (config wins for them); later ones come from the API and are
 * kept across restarts.
 */
export class DefinitionStore {
  constructor(
    private readonly db: Knex,
    private readonly clock: GatewayClock,
  ) {}

  async syncFromConfig(config: GatewayConfig): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async tx => {
      for (const pool of config.pools) {
        await tx('pools')
          .insert({
            id: pool.id,
            source: 'config',
            spec: JSON.stringify(pool),
            updated_at: now,
          })
          .onConflict('id')
          .merge();
      }
      for (const { versions, ...template } of config.templates) {
        await tx('templates')
          .insert({
            id: template.id,
            source: 'config',
            spec: JSON.stringify(template),
            updated_at: now,
          })
          .onConflict('id')
          .merge();
        for (const version of versions) {
          await tx('versions')
            .insert({
              template_id: template.id,
              version: version.version,
              status: version.status,
              data_layout: version.dataLayout,
              source: 'config',
              spec: JSON.stringify(version),
              updated_at: now,
            })
            .onConflict(['template_id', 'version'])
            .merge();
        }
      }
    });
  }

  /**
   * Adds a version that came through the API. The primary key decides
   * between concurrent requests; an identical version that is already
   * there is "existing", so retries are safe.
   */
  async addVersion(
    templateId: string,
    version: EngineVersion,
  ): Promise<'created' | 'existing' | 'different'> {
    const row = {
      template_id: templateId,
      version: version.version,
      status: version.status,
      data_layout: version.dataLayout,
      source: 'api',
      spec: JSON.stringify(version),
      updated_at: this.clock.now(),
    };
    const inserted = await this.db('versions')
      .insert(row)
      .onConflict(['template_id', 'version'])
      .ignore()
      .returning('version');
    if (inserted.length > 0) return 'created';
    return (await this.compareVersion(templateId, version)) === 'same'
      ? 'existing'
      : 'different';
  }

  /**
   * Sets the status of a version that came through the API. Versions from
   * config keep the status config gives them, so they are not changed here.
   */
  async setVersionStatus(
    templateId: string,
    version: string,
    status: VersionStatus,
  ): Promise<'updated' | 'missing' | 'from-config'> {
    const row = await this.db('versions')
      .where({ template_id: templateId, version })
      .first();
    if (!row) return 'missing';
    if (row.source === 'config') return 'from-config';
    await this.db('versions')
      .where({ template_id: templateId, version })
      .update({ status, updated_at: this.clock.now() });
    return 'updated';
  }

  /** Where each version came from (`config` or `api`), by `templateId version`. */
  async versionSources(): Promise<Map<string, 'config' | 'api'>> {
    const rows = await this.db('versions').select(
      'template_id',
      'version',
      'source',
    );
    return new Map(rows.map(r => [`${r.template_id} ${r.version}`, r.source]));
  }

  /** Whether a version with that number is stored, and if so whether it is this one. */
  async compareVersion(
    templateId: string,
    version: EngineVersion,
  ): Promise<'absent' | 'same' | 'different'> {
    const existing = await this.db('versions')
      .where({ template_id: templateId, version: version.version })
      .first();
    if (!existing) return 'absent';
    return sameJson(JSON.parse(existing.spec), version) ? 'same' : 'different';
  }

  async load(): Promise<Definitions> {
    const [pools, templates, versions] = await Promise.all([
      this.db('pools').orderBy('id'),
      this.db('templates').orderBy('id'),
      this.db('versions'),
    ]);
    versions.sort((a, b) =>
      String(a.version).localeCompare(String(b.version), undefined, {
        numeric: true,
      }),
    );
    const byTemplate = new Map<string, EngineVersion[]>();
    for (const row of versions) {
      const list = byTemplate.get(row.template_id) ?? [];
      // The column is where status changes land; the spec keeps the status it was created with.
      list.push({ ...JSON.parse(row.spec), status: row.status });
      byTemplate.set(row.template_id, list);
    }
    return {
      pools: new Map(pools.map(r => [r.id, JSON.parse(r.spec) as GpuPool])),
      templates: new Map(
        templates.map(r => [
          r.id,
          {
            ...JSON.parse(r.spec),
            versions: byTemplate.get(r.id) ?? [],
          } as EngineTemplate,
        ]),
      ),
    };
  }
}

/** Deep equality of two JSON values, ignoring the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => x.localeCompare(y));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
