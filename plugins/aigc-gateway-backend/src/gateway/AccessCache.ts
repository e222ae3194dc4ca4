import { Knex } from 'knex';
import { InstanceState } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { toDate } from '../store/time';

export interface AccessEntry {
  ownerRef: string;
  state: InstanceState;
}

/**
 * Who owns each instance and whether it runs, in memory, so proxied requests
 * cost no database query. One query per `refreshMs` picks up every change
 * (from any replica), so a release, delete or new owner takes effect within
 * that time everywhere.
 */
export class AccessCache {
  private readonly entries = new Map<string, AccessEntry>();
  private since = new Date(0);
  private lastRefresh = 0;
  private dirty = false;
  private timer?: NodeJS.Timeout;

  constructor(private readonly db: Knex, private readonly refreshMs = 1000) {}

  async start() {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch(() => {
        // Keep serving the last known state; the next tick retries.
      });
    }, this.refreshMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }

  get(instanceId: string): AccessEntry | undefined {
    return this.entries.get(instanceId);
  }

  /** This replica changed an instance: the next lookup that misses reads again. */
  markDirty() {
    this.dirty = true;
  }

  /**
   * For an instance that is unknown or not running here: it may have just
   * changed, so look again — when this replica changed something, else at
   * most every 200 ms, whatever the traffic.
   */
  async getFresh(instanceId: string): Promise<AccessEntry | undefined> {
    const entry = this.entries.get(instanceId);
    if (entry?.state === 'running') return entry;
    if (this.dirty || performance.now() - this.lastRefresh >= 200)
      await this.refresh();
    return this.entries.get(instanceId);
  }

  async refresh() {
    this.lastRefresh = performance.now();
    this.dirty = false;
    // Rows updated in the same millisecond as `since` are read again: harmless.
    const rows = await this.db('instances')
      .select('id', 'owner_ref', 'state', 'updated_at')
      .where('updated_at', '>=', this.since);
    for (const row of rows) {
      if (row.state === 'deleted') this.entries.delete(row.id);
      else
        this.entries.set(row.id, { ownerRef: row.owner_ref, state: row.state });
      const at = toDate(row.updated_at);
      if (at > this.since) this.since = at;
    }
  }
}
