import { Knex } from 'knex';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { toDate } from './time';

export interface VersionSwitchRecord {
  instanceId: string;
  fromVersion: string;
  toVersion: string;
  fromLayout: number;
  toLayout: number;
  backupRef?: string;
  /** Migration steps begun, for undoing them where there is no backup. */
  stepsStarted: number;
  startedAt: Date;
  heartbeatAt: Date;
}

/** Version switches in progress, with the backup that undoes each. */
export class VersionSwitchStore {
  constructor(
    private readonly db: Knex,
    private readonly clock: GatewayClock,
  ) {}

  async begin(
    record: Omit<
      VersionSwitchRecord,
      'startedAt' | 'heartbeatAt' | 'backupRef' | 'stepsStarted'
    >,
  ): Promise<void> {
    const now = this.clock.now();
    await this.db('version_switches').insert({
      instance_id: record.instanceId,
      from_version: record.fromVersion,
      to_version: record.toVersion,
      from_layout: record.fromLayout,
      to_layout: record.toLayout,
      started_at: now,
      heartbeat_at: now,
    });
  }

  async backedUp(instanceId: string, backupRef: string): Promise<void> {
    await this.db('version_switches')
      .where({ instance_id: instanceId })
      .update({ backup_ref: backupRef, heartbeat_at: this.clock.now() });
  }

  async stepStarted(instanceId: string, steps: number): Promise<void> {
    await this.db('version_switches')
      .where({ instance_id: instanceId })
      .update({ steps_started: steps, heartbeat_at: this.clock.now() });
  }

  async heartbeat(instanceId: string): Promise<void> {
    await this.db('version_switches')
      .where({ instance_id: instanceId })
      .update({ heartbeat_at: this.clock.now() });
  }

  async end(instanceId: string): Promise<void> {
    await this.db('version_switches')
      .where({ instance_id: instanceId })
      .delete();
  }

  /** Switches whose backend has not been heard of since `before`: it died. */
  async stale(before: Date): Promise<VersionSwitchRecord[]> {
    return (
      await this.db('version_switches').where('heartbeat_at', '<', before)
    ).map(toRecord);
  }
}

function toRecord(row: any): VersionSwitchRecord {
  return {
    instanceId: row.instance_id,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    fromLayout: Number(row.from_layout),
    toLayout: Number(row.to_layout),
    backupRef: row.backup_ref ?? undefined,
    stepsStarted: Number(row.steps_started ?? 0),
    startedAt: toDate(row.started_at),
    heartbeatAt: toDate(row.heartbeat_at),
  };
}
