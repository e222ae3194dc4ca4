import { EngineVersion, Migration } from './config';
import { EngineRuntime, RuntimeVolume } from './runtime';

/**
 * What a runtime needs to switch an instance's version: copy its volume
 * aside, run a migration on it, and put the copy back when that fails.
 * Runtimes that cannot do this leave version switches refused.
 *
 * @public
 */
export interface VolumeMigrator {
  /**
   * Whether `backupVolume` can copy volumes. Without copies only migrations
   * with a declared reverse run, and a failed one is undone by running the
   * reverses of the steps it took.
   */
  readonly volumeBackups: boolean;
  /** Copies the volume aside; returns where the copy is. */
  backupVolume(volume: RuntimeVolume): Promise<string>;
  /** Replaces the volume's contents with the copy, which is used up. */
  restoreVolume(volume: RuntimeVolume, backupRef: string): Promise<void>;
  /** Removes a copy that is no longer needed. */
  dropBackup(backupRef: string): Promise<void>;
  /** Runs one migration on the volume; rejects with the reason when it fails. */
  runMigration(
    volume: RuntimeVolume,
    migration: Migration,
    target: EngineVersion,
  ): Promise<void>;
}

/** @public */
export function canMigrate(
  runtime: EngineRuntime,
): runtime is EngineRuntime & VolumeMigrator {
  const r = runtime as Partial<VolumeMigrator>;
  return Boolean(
    r.backupVolume && r.restoreVolume && r.dropBackup && r.runMigration,
  );
}
