import { randomBytes } from 'node:crypto';
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1Job,
} from '@kubernetes/client-node';
import {
  EngineVersion,
  Migration,
  RuntimeVolume,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { describeKubeError, isNotFound } from '../cluster/kubeErrors';
import { KubernetesRuntimeConfig } from '../config/runtimeConfig';
import { claimManifest } from '../manifests/claimManifest';
import { ANNOTATIONS, LABELS, MANAGED_BY } from '../manifests/labels';
import { migrationJobManifest } from '../manifests/migrationJobManifest';
import { SNAPSHOT_API, snapshotManifest } from '../manifests/snapshotManifest';

const BACKUP_PREFIX = 'volumesnapshot/';
/** A migration or snapshot is looked at this often; one at a time, so the requests do not add up. */
const POLL_MS = 1000;
/** How long a claim being replaced may take to go. */
const CLAIM_GONE_MS = 120_000;

const shortId = () => randomBytes(3).toString('hex');
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Version-switch support on Kubernetes: migrations run as Jobs that mount
 * the volume's claim; with a snapshot class, a VolumeSnapshot is the copy
 * taken before, and restoring replaces the claim by one made from it.
 */
export class KubernetesVolumeMigrations {
  private readonly core: CoreV1Api;
  private readonly batch: BatchV1Api;
  private readonly custom: CustomObjectsApi;

  constructor(
    kubeConfig: KubeConfig,
    private readonly config: KubernetesRuntimeConfig,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  get canSnapshot(): boolean {
    return Boolean(this.config.snapshotClass);
  }

  private get namespace() {
    return this.config.namespace;
  }

  async backup(volume: RuntimeVolume): Promise<string> {
    const snapshotClass = this.config.snapshotClass;
    if (!snapshotClass)
      throw new Error(
        'no snapshotClass is configured, so volumes cannot be copied',
      );
    const name = `aigc-backup-${volume.id.slice(0, 8)}-${shortId()}`;
    const body = snapshotManifest({
      name,
      namespace: this.namespace,
      volumeId: volume.id,
      claimName: volume.runtimeRef,
      snapshotClass,
    });
    await this.call(`could not create VolumeSnapshot ${name}`, () =>
      this.custom.createNamespacedCustomObject({
        ...SNAPSHOT_API,
        namespace: this.namespace,
        body,
      }),
    );
    const deadline =
      performance.now() + this.config.snapshotTimeoutSeconds * 1000;
    for (;;) {
      const snapshot = (await this.call(
        `could not read VolumeSnapshot ${name}`,
        () =>
          this.custom.getNamespacedCustomObject({
            ...SNAPSHOT_API,
            namespace: this.namespace,
            name,
          }),
      )) as { status?: { readyToUse?: boolean; error?: { message?: string } } };
      if (snapshot.status?.readyToUse) return `${BACKUP_PREFIX}${name}`;
      const failed = snapshot.status?.error?.message;
      if (failed || performance.now() > deadline) {
        await this.drop(`${BACKUP_PREFIX}${name}`);
        throw new Error(
          `the snapshot of volume ${volume.id} ${
            failed
              ? `failed: ${failed}`
              : `was not ready within ${this.config.snapshotTimeoutSeconds} s`
          }`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * Replaces the volume's claim by one restored from the snapshot. The
   * snapshot stays as the new claim's data source (a provisioner may read
   * it only when the claim is first used); it goes with the volume.
   */
  async restore(volume: RuntimeVolume, backupRef: string): Promise<void> {
    const snapshot = snapshotName(backupRef);
    await this.stopMigrations(volume);
    await this.call(`could not delete volume claim ${volume.runtimeRef}`, () =>
      this.core.deleteNamespacedPersistentVolumeClaim({
        name: volume.runtimeRef,
        namespace: this.namespace,
      }),
    ).catch(error => {
      if (!isNotFound(error.cause)) throw error;
    });
    const deadline = performance.now() + CLAIM_GONE_MS;
    while (await this.claimExists(volume.runtimeRef)) {
      if (performance.now() > deadline)
        throw new Error(
          `volume claim ${volume.runtimeRef} did not go within ${
            CLAIM_GONE_MS / 1000
          } s`,
        );
      await sleep(POLL_MS);
    }
    const claim = claimManifest(volume.id, {
      namespace: this.namespace,
      volumeSize: this.config.volumeSize,
      storageClass: this.config.storageClass,
    });
    claim.metadata!.annotations = { [ANNOTATIONS.restoredFrom]: snapshot };
    claim.spec!.dataSource = {
      apiGroup: SNAPSHOT_API.group,
      kind: 'VolumeSnapshot',
      name: snapshot,
    };
    await this.call(
      `could not create volume claim ${volume.runtimeRef} from snapshot ${snapshot}`,
      () =>
        this.core.createNamespacedPersistentVolumeClaim({
          namespace: this.namespace,
          body: claim,
        }),
    );
  }

  async drop(backupRef: string): Promise<void> {
    const name = snapshotName(backupRef);
    await this.call(`could not delete VolumeSnapshot ${name}`, () =>
      this.custom.deleteNamespacedCustomObject({
        ...SNAPSHOT_API,
        namespace: this.namespace,
        name,
      }),
    ).catch(error => {
      if (!isNotFound(error.cause)) throw error;
    });
  }

  /** Runs the migration as a Job and waits for it; rejects with the control plane's reason. */
  async run(
    volume: RuntimeVolume,
    migration: Migration,
    target: EngineVersion,
  ): Promise<void> {
    const name = `aigc-migrate-${volume.id.slice(0, 8)}-${
      migration.fromLayout
    }-${migration.toLayout}-${shortId()}`;
    const body = migrationJobManifest({
      name,
      namespace: this.namespace,
      volume,
      migration,
      target,
      defaultTimeoutSeconds: this.config.migrationTimeoutSeconds,
    });
    await this.call(`could not create migration Job ${name}`, () =>
      this.batch.createNamespacedJob({ namespace: this.namespace, body }),
    );
    try {
      for (;;) {
        await sleep(POLL_MS);
        const job = await this.call(
          `could not read migration Job ${name}`,
          () =>
            this.batch.readNamespacedJob({ name, namespace: this.namespace }),
        );
        const condition = (type: string) =>
          job.status?.conditions?.find(
            c => c.type === type && c.status === 'True',
          );
        if (condition('Complete')) return;
        const failed = condition('Failed');
        if (failed) {
          throw new Error(
            `the migration from layout ${migration.fromLayout} to ${
              migration.toLayout
            } failed (Job ${name}: ${failed.reason}${
              failed.message ? `, ${failed.message}` : ''
            }${await this.exitOf(job)})`,
          );
        }
      }
    } finally {
      await this.call(`could not delete migration Job ${name}`, () =>
        this.batch.deleteNamespacedJob({
          name,
          namespace: this.namespace,
          propagationPolicy: 'Background',
        }),
      );
    }
  }

  /** Jobs and snapshots of a volume that is being deleted. */
  async forget(volume: RuntimeVolume): Promise<void> {
    await this.stopMigrations(volume);
    await this.call(
      `could not delete the snapshots of volume ${volume.id}`,
      () =>
        this.custom.deleteCollectionNamespacedCustomObject({
          ...SNAPSHOT_API,
          namespace: this.namespace,
          labelSelector: volumeSelector(volume),
        }),
    ).catch(error => {
      // A cluster without the snapshot API has no snapshots to delete.
      if (!isNotFound(error.cause)) throw error;
    });
  }

  /** A migration left behind by a backend that died must not write into restored data. */
  private stopMigrations(volume: RuntimeVolume) {
    return this.deleteJobs(
      `${volumeSelector(volume)},${LABELS.role}=migration`,
    );
  }

  private async deleteJobs(labelSelector: string) {
    await this.call(`could not delete migration Jobs (${labelSelector})`, () =>
      this.batch.deleteCollectionNamespacedJob({
        namespace: this.namespace,
        labelSelector,
        propagationPolicy: 'Background',
      }),
    );
  }

  private async claimExists(name: string): Promise<boolean> {
    try {
      await this.core.readNamespacedPersistentVolumeClaim({
        name,
        namespace: this.namespace,
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw new Error(
        `could not read volume claim ${name}: ${describeKubeError(error)}`,
      );
    }
  }

  /** The exit of the Job's container, when it ran and failed. */
  private async exitOf(job: V1Job): Promise<string> {
    const pods = await this.core
      .listNamespacedPod({
        namespace: this.namespace,
        labelSelector: `job-name=${job.metadata!.name}`,
      })
      .catch(() => undefined);
    const terminated = pods?.items
      .flatMap(p => p.status?.containerStatuses ?? [])
      .find(s => s.state?.terminated)?.state?.terminated;
    if (!terminated || terminated.exitCode === 0) return '';
    const why = terminated.message?.trim() || terminated.reason;
    return `; exit code ${terminated.exitCode}${why ? `: ${why}` : ''}`;
  }

  /** An API call whose failure says what was being done; the original error is its cause. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new Error(`${what}: ${describeKubeError(error)}`, { cause: error });
    }
  }
}

function snapshotName(backupRef: string): string {
  if (!backupRef.startsWith(BACKUP_PREFIX))
    throw new Error(`"${backupRef}" is not a backup of the Kubernetes runtime`);
  return backupRef.slice(BACKUP_PREFIX.length);
}

function volumeSelector(volume: RuntimeVolume) {
  return `${LABELS.managedBy}=${MANAGED_BY},${LABELS.volume}=${volume.id}`;
}
