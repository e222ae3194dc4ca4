import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  V1NetworkPolicyEgressRule,
  V1NetworkPolicyPeer,
  PatchStrategy,
  setHeaderOptions,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EngineRuntime,
  EngineVersion,
  GatewayClock,
  GpuPool,
  IngressHosts,
  Migration,
  RuntimeEndpoint,
  RuntimeEvent,
  RuntimeInstanceStatus,
  RuntimeStartRequest,
  RuntimeVolume,
  VolumeMigrator,
  VolumePlacement,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { KubernetesRuntimeConfig } from '../config/runtimeConfig';
import {
  describeKubeError,
  isConflict,
  isNotFound,
} from '../cluster/kubeErrors';
import {
  createUnlessPresent,
  deleteIfPresent,
  errorWith,
} from '../cluster/idempotent';
import { claimManifest } from '../manifests/claimManifest';
import { instanceLabels } from '../manifests/instanceLabels';
import {
  ANNOTATIONS,
  LABELS,
  MANAGED_BY,
  MANAGED_SELECTOR,
} from '../manifests/labels';
import {
  CLAIM_PREFIX,
  claimName,
  instanceObjectName,
} from '../manifests/names';
import { podManifest } from '../manifests/podManifest';
import { serviceManifest } from '../manifests/serviceManifest';
import { ingressManifest } from '../manifests/ingressManifest';
import {
  NETWORK_POLICY_NAME,
  networkPolicyManifest,
} from '../manifests/networkPolicyManifest';
import { PhaseAndReason, podPhase } from '../status/podPhase';
import { StartDeadlines } from '../status/startDeadline';
import { poolSlots } from '../capacity/poolSlots';
import { WatchedKind } from '../watch/WatchedKind';
import { KubernetesVolumeMigrations } from './KubernetesVolumeMigrations';
import { refuseKubernetesVersion } from './versionPolicy';

/**
 * What an endpoint hook gets to pick where an instance is reached.
 *
 * @public
 */
export interface EndpointTarget {
  instanceId: string;
  namespace: string;
  serviceName: string;
  port: number;
  podIP?: string;
}

/** @public */
export interface KubernetesRuntimeOptions {
  kubeConfig: KubeConfig;
  config: KubernetesRuntimeConfig;
  logger: LoggerService;
  /** Times the runtime's events; the gateway's clock service. */
  clock: GatewayClock;
  /** Where to reach a ready instance instead of its Service (tests, gateways outside the cluster). */
  resolveEndpoint?: (target: EndpointTarget) => RuntimeEndpoint | undefined;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
/** How long `stop` waits beyond the grace period for the pod to go. */
const STOP_MARGIN_MS = 15_000;

/**
 * Engines as pods of a Kubernetes cluster, one per instance, with a volume
 * claim named from the data volume's uuid and a Service. The state of every
 * instance comes from one watch of pods and one of nodes (not from polling
 * per instance), so a backend that starts again adopts the running pods
 * from the first list, and the requests it makes do not grow with the
 * number of instances.
 *
 * @public
 */
export class KubernetesRuntime implements EngineRuntime, VolumeMigrator {
  readonly id = 'kubernetes';
  readonly enginesOutliveBackend = true;
  readonly ingressHosts?: IngressHosts;
  protected readonly core: CoreV1Api;
  private readonly networking: NetworkingV1Api;
  private readonly migrations: KubernetesVolumeMigrations;
  protected readonly namespace: string;
  protected readonly pods: WatchedKind<V1Pod>;
  private readonly nodes: WatchedKind<V1Node>;
  private readonly listeners = new Set<(event: RuntimeEvent) => void>();
  /** The last phase and reason told to listeners, per instance. */
  private readonly reported = new Map<string, PhaseAndReason>();
  /** Instances whose pods this runtime deleted: their end is a stop, not a crash. */
  protected readonly stopping = new Set<string>();
  private readonly goneWaiters = new Map<string, Set<() => void>>();
  /** The pod of each instance the watch has seen, by instance id. */
  private readonly podNames = new Map<string, string>();
  private connecting?: Promise<void>;
  private deadlineTimer?: NodeJS.Timeout;
  private readonly startDeadlines: StartDeadlines;
  private namespaceError?: string;
  private shutDown = false;

  constructor(protected readonly options: KubernetesRuntimeOptions) {
    const { kubeConfig, config, logger } = options;
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.networking = kubeConfig.makeApiClient(NetworkingV1Api);
    if (config.ingress)
      this.ingressHosts = new IngressHosts(
        config.ingress.host,
        config.ingress.scheme,
      );
    this.migrations = new KubernetesVolumeMigrations(kubeConfig, config);
    this.namespace = config.namespace;
    this.startDeadlines = new StartDeadlines(config.startTimeoutSeconds * 1000);
    const namespaced = config.capacityScope === 'namespace';
    this.pods = new WatchedKind<V1Pod>({
      name: namespaced ? `pods in ${this.namespace}` : 'pods',
      kubeConfig,
      logger,
      ...(namespaced
        ? {
            path: `/api/v1/namespaces/${this.namespace}/pods`,
            labelSelector: MANAGED_SELECTOR,
            list: () =>
              this.core.listNamespacedPod({
                namespace: this.namespace,
                labelSelector: MANAGED_SELECTOR,
              }),
          }
        : {
            // Every pod, so capacity sees the GPUs other workloads hold.
            path: '/api/v1/pods',
            list: () => this.core.listPodForAllNamespaces(),
          }),
      onChange: pod => this.podChanged(pod),
      onDelete: pod => this.podDeleted(pod),
    });
    this.nodes = new WatchedKind<V1Node>({
      name: 'nodes',
      kubeConfig,
      logger,
      path: '/api/v1/nodes',
      list: () => this.core.listNode(),
    });
  }

  /** `pods` or `openkruise-game`, for messages. */
  get mode(): string {
    return this.options.config.mode;
  }

  get namespaceName(): string {
    return this.namespace;
  }

  /** The API server this runtime talks to, for messages. */
  get server(): string {
    return (
      this.options.kubeConfig.getCurrentCluster()?.server ?? '(no cluster)'
    );
  }

  /**
   * Starts the watches; resolves once both caches are filled. It keeps
   * trying while the cluster cannot be reached, and never rejects.
   */
  connect(): Promise<void> {
    this.connecting ??= (async () => {
      const { createNamespace, networkPolicy } = this.options.config;
      if (createNamespace || networkPolicy) await this.prepareNamespace();
      if (this.shutDown) return;
      this.pods.start();
      this.nodes.start();
      await Promise.all([this.pods.whenSynced(), this.nodes.whenSynced()]);
      // A pod past its start deadline may change no more, so no watch event would tell.
      const deadlineMs = this.options.config.startTimeoutSeconds * 1000;
      this.deadlineTimer = setInterval(
        () => this.checkDeadlines(),
        Math.min(10_000, deadlineMs / 2),
      );
      this.deadlineTimer.unref();
    })();
    return this.connecting;
  }

  /** Why the cluster cannot be used right now, if it cannot. */
  get connectionError(): string | undefined {
    return this.namespaceError ?? this.pods.lastError ?? this.nodes.lastError;
  }

  /** Waits for the watches, up to the configured time; then fails with the reason. */
  async whenConnected(): Promise<void> {
    if (this.pods.isSynced && this.nodes.isSynced) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(resolve => {
      timer = setTimeout(
        () => resolve('timeout'),
        this.options.config.connectTimeoutSeconds * 1000,
      );
    });
    const outcome = await Promise.race([this.connect(), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      throw new Error(
        `cannot reach the Kubernetes API server at ${this.server}: ${
          this.connectionError ?? 'no answer'
        }`,
      );
    }
  }

  refuseVersion(version: EngineVersion): string | undefined {
    return refuseKubernetesVersion(version, this.options.config);
  }

  async ensureVolume(
    volumeId: string,
    _placement?: VolumePlacement,
  ): Promise<RuntimeVolume> {
    await this.whenConnected();
    await this.createClaim(claimManifest(volumeId, this.claimOptions()));
    return { id: volumeId, runtimeRef: claimName(volumeId) };
  }

  async deleteVolume(volume: RuntimeVolume): Promise<void> {
    // Only ever a claim of ours.
    if (!volume.runtimeRef.startsWith(CLAIM_PREFIX)) {
      throw new Error(
        `refusing to delete ${volume.runtimeRef}: not a volume claim of this runtime`,
      );
    }
    await this.whenConnected();
    await this.migrations.forget(volume);
    await deleteIfPresent(`volume claim ${volume.runtimeRef}`, () =>
      this.core.deleteNamespacedPersistentVolumeClaim({
        name: volume.runtimeRef,
        namespace: this.namespace,
      }),
    );
  }

  /** Copies come from VolumeSnapshots, so only with a snapshot class. */
  get volumeBackups(): boolean {
    return this.migrations.canSnapshot;
  }

  async backupVolume(volume: RuntimeVolume): Promise<string> {
    await this.whenConnected();
    return this.migrations.backup(volume);
  }

  async restoreVolume(volume: RuntimeVolume, backupRef: string): Promise<void> {
    await this.whenConnected();
    await this.migrations.restore(volume, backupRef);
  }

  async dropBackup(backupRef: string): Promise<void> {
    await this.whenConnected();
    await this.migrations.drop(backupRef);
  }

  async runMigration(
    volume: RuntimeVolume,
    migration: Migration,
    target: EngineVersion,
  ): Promise<void> {
    await this.whenConnected();
    await this.migrations.run(volume, migration, target);
  }

  async start(request: RuntimeStartRequest): Promise<void> {
    await this.whenConnected();
    const pod = await this.runEngine(request);
    const name = instanceObjectName(request.instanceId);
    const port = request.version.runtime.kubernetes!.port;
    await createUnlessPresent(`service ${name}`, () =>
      this.core.createNamespacedService({
        namespace: this.namespace,
        body: serviceManifest(pod, port),
      }),
    );
    const { ingress } = this.options.config;
    if (ingress && this.ingressHosts) {
      const body = ingressManifest(pod, ingress, this.ingressHosts);
      await createUnlessPresent(`ingress ${name}`, () =>
        this.networking.createNamespacedIngress({
          namespace: this.namespace,
          body,
        }),
      );
    }
  }

  /**
   * Makes the engine's pod run: creates it. Returns the pod, whose name,
   * labels and uid its Service and Ingress take.
   */
  protected async runEngine(request: RuntimeStartRequest): Promise<V1Pod> {
    const manifest = podManifest(request, {
      namespace: this.namespace,
      stopGracePeriodSeconds: this.options.config.stopGracePeriodSeconds,
    });
    const name = manifest.metadata!.name!;
    let pod = this.pods.cache.get(name, this.namespace);
    if (pod?.metadata?.deletionTimestamp) {
      // A start right after a stop: the old pod holds the name until it is gone.
      await this.expectGone(request.instanceId).gone;
      pod = this.pods.cache.get(name, this.namespace);
      if (pod) throw new Error(`the previous pod ${name} is still terminating`);
    }
    if (pod) this.checkSameEngine(pod, request);
    this.stopping.delete(request.instanceId);
    await this.labelClaim(request);
    if (pod) return pod;
    try {
      return await this.core.createNamespacedPod({
        namespace: this.namespace,
        body: manifest,
      });
    } catch (error) {
      // Another replica, or an earlier try of this start, created it.
      if (!isConflict(error))
        throw errorWith(`could not create pod ${name}`, error);
      return this.core.readNamespacedPod({ name, namespace: this.namespace });
    }
  }

  async stop(instanceId: string): Promise<void> {
    await this.whenConnected();
    const name = instanceObjectName(instanceId);
    const namespace = this.namespace;
    if (this.options.config.ingress) {
      await deleteIfPresent(`ingress ${name}`, () =>
        this.networking.deleteNamespacedIngress({ name, namespace }),
      );
    }
    await deleteIfPresent(`service ${name}`, () =>
      this.core.deleteNamespacedService({ name, namespace }),
    );
    this.stopping.add(instanceId);
    // Waiting starts before the delete, so a quick deletion is not missed.
    const wait = this.expectGone(instanceId);
    let running: boolean;
    try {
      running = await this.haltEngine(instanceId);
    } catch (error) {
      wait.cancel();
      this.stopping.delete(instanceId);
      throw error;
    }
    if (!running) {
      wait.cancel();
      this.stopping.delete(instanceId);
      return;
    }
    // Compute is free once the pod is gone; the watch tells when.
    if (!(await wait.gone)) {
      this.options.logger.warn(
        `The pod of instance ${instanceId} is still terminating; it will be reported stopped when it is gone`,
      );
    }
  }

  /** Makes the engine's pod go: deletes it. False when there was none. */
  protected async haltEngine(instanceId: string): Promise<boolean> {
    const name = instanceObjectName(instanceId);
    try {
      await this.core.deleteNamespacedPod({
        name,
        namespace: this.namespace,
        gracePeriodSeconds: this.options.config.stopGracePeriodSeconds,
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw errorWith(`could not delete pod ${name}`, error);
    }
  }

  observe(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<RuntimeInstanceStatus[]> {
    await this.whenConnected();
    return this.ownPods().map(pod => {
      const instanceId = pod.metadata!.labels![LABELS.instance];
      return {
        instanceId,
        phase: (this.reported.get(instanceId) ?? this.phaseOf(pod)).phase,
      };
    });
  }

  poolSlots(pool: GpuPool): number | undefined {
    if (!this.pods.isSynced || !this.nodes.isSynced) return undefined;
    return poolSlots(
      pool,
      this.nodes.cache.list(),
      this.pods.cache.list(),
      pod =>
        this.isOurs(pod) && pod.metadata?.labels?.[LABELS.pool] === pool.id,
    );
  }

  endpoint(instanceId: string): RuntimeEndpoint | undefined {
    const name = instanceObjectName(instanceId);
    const pod = this.podOf(instanceId);
    if (
      !pod ||
      pod.metadata?.deletionTimestamp ||
      podPhase(pod).phase !== 'ready'
    )
      return undefined;
    const ports = pod.spec?.containers?.[0]?.ports ?? [];
    const port = (ports.find(p => p.name === 'http') ?? ports[0])
      ?.containerPort;
    if (!port) return undefined;
    const target: EndpointTarget = {
      instanceId,
      namespace: this.namespace,
      serviceName: name,
      port,
      podIP: pod.status?.podIP,
    };
    const hooked = this.options.resolveEndpoint?.(target);
    if (hooked) return hooked;
    const override =
      this.options.config.endpointOverride[instanceId] ??
      this.options.config.endpointOverride['*'];
    if (override) {
      const at = override.lastIndexOf(':');
      return {
        host: override.slice(0, at),
        port: Number(override.slice(at + 1)),
      };
    }
    return {
      host: `${name}.${this.namespace}.svc.${this.options.config.clusterDomain}`,
      port,
    };
  }

  /** Stops watching. Pods keep running: the next backend adopts them. */
  async shutdown(): Promise<void> {
    this.shutDown = true;
    clearInterval(this.deadlineTimer);
    this.listeners.clear();
    for (const waiters of this.goneWaiters.values())
      [...waiters].forEach(w => w());
    await Promise.all([this.pods.stop(), this.nodes.stop()]);
  }

  /**
   * A start finds a pod: fine when it runs what was asked, else the caller
   * must stop it first (a version switch is a stop and a start).
   */
  private checkSameEngine(pod: V1Pod, request: RuntimeStartRequest) {
    const version = pod.metadata?.annotations?.[ANNOTATIONS.version];
    const pool = pod.metadata?.labels?.[LABELS.pool];
    if (version !== request.version.version || pool !== request.pool.id) {
      throw new Error(
        `instance ${request.instanceId} already runs version ${version} in pool ${pool}; stop it before starting version ${request.version.version} in pool ${request.pool.id}`,
      );
    }
  }

  /** The instance's pod, as the watch last saw it. */
  protected podOf(instanceId: string): V1Pod | undefined {
    return this.pods.cache.get(
      this.podNames.get(instanceId) ?? instanceObjectName(instanceId),
      this.namespace,
    );
  }

  /** A pod of the namespace that names no instance; a subclass may adopt it. */
  protected podWithoutInstance(_pod: V1Pod): void {}

  private isOurs(pod: V1Pod): boolean {
    const labels = pod.metadata?.labels;
    return (
      pod.metadata?.namespace === this.namespace &&
      labels?.[LABELS.managedBy] === MANAGED_BY &&
      Boolean(labels?.[LABELS.instance])
    );
  }

  private ownPods(): V1Pod[] {
    return this.pods.cache.list(this.namespace).filter(pod => this.isOurs(pod));
  }

  /** The pod's phase, a pod stuck past the start deadline counting as crashed. */
  private phaseOf(pod: V1Pod): PhaseAndReason {
    return this.startDeadlines.phase(pod);
  }

  private checkDeadlines() {
    for (const pod of this.ownPods()) {
      if (pod.metadata?.deletionTimestamp) continue;
      const phase = this.phaseOf(pod);
      if (phase.phase === 'crashed')
        this.report(pod.metadata!.labels![LABELS.instance], phase);
    }
  }

  private podChanged(pod: V1Pod) {
    if (!this.isOurs(pod)) {
      if (pod.metadata?.namespace === this.namespace)
        this.podWithoutInstance(pod);
      return;
    }
    const instanceId = pod.metadata!.labels![LABELS.instance];
    this.podNames.set(instanceId, pod.metadata!.name!);
    // A terminating pod's end is told by its deletion.
    if (pod.metadata?.deletionTimestamp) return;
    this.report(instanceId, this.phaseOf(pod));
  }

  private podDeleted(pod: V1Pod) {
    if (!this.isOurs(pod)) return;
    const instanceId = pod.metadata!.labels![LABELS.instance];
    if (this.podNames.get(instanceId) === pod.metadata!.name)
      this.podNames.delete(instanceId);
    if (this.stopping.delete(instanceId)) {
      this.report(instanceId, { phase: 'stopped', reason: 'engine stopped' });
    } else {
      const last = this.phaseOf(pod);
      this.report(instanceId, {
        phase: 'crashed',
        reason:
          last.phase === 'crashed'
            ? last.reason
            : `the pod ${pod.metadata!.name} was deleted outside the gateway`,
      });
    }
    this.startDeadlines.forget(pod);
    this.reported.delete(instanceId);
    const waiters = this.goneWaiters.get(instanceId);
    this.goneWaiters.delete(instanceId);
    if (waiters) [...waiters].forEach(w => w());
  }

  private report(instanceId: string, next: PhaseAndReason) {
    const last = this.reported.get(instanceId);
    if (last?.phase === next.phase && last.reason === next.reason) return;
    this.reported.set(instanceId, next);
    const event: RuntimeEvent = {
      instanceId,
      ...next,
      at: this.options.clock.now(),
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.error(
          `A runtime listener failed on ${next.phase} of ${instanceId}: ${error}`,
        );
      }
    }
  }

  /**
   * Waits for the deletion of the instance's pod, for the grace period and a
   * margin: `gone` is true when it went, false when the time ran out.
   */
  private expectGone(instanceId: string): {
    gone: Promise<boolean>;
    cancel: () => void;
  } {
    const waiters = this.goneWaiters.get(instanceId) ?? new Set<() => void>();
    this.goneWaiters.set(instanceId, waiters);
    let finish!: () => void;
    const gone = new Promise<boolean>(resolve => {
      const timer = setTimeout(() => finish(), this.stopWaitMs());
      finish = () => {
        clearTimeout(timer);
        waiters.delete(finish);
        if (
          waiters.size === 0 &&
          this.goneWaiters.get(instanceId) === waiters
        ) {
          this.goneWaiters.delete(instanceId);
        }
        resolve(!this.podOf(instanceId));
      };
      waiters.add(finish);
    });
    return { gone, cancel: finish };
  }

  private stopWaitMs(): number {
    return this.options.config.stopGracePeriodSeconds * 1000 + STOP_MARGIN_MS;
  }

  protected claimOptions() {
    return {
      namespace: this.namespace,
      volumeSize: this.options.config.volumeSize,
      storageClass: this.options.config.storageClass,
    };
  }

  private async createClaim(body: ReturnType<typeof claimManifest>) {
    await createUnlessPresent(`volume claim ${body.metadata!.name}`, () =>
      this.core.createNamespacedPersistentVolumeClaim({
        namespace: this.namespace,
        body,
      }),
    );
  }

  /**
   * Labels the volume's claim with its instance, so Backstage's Kubernetes
   * tab shows it with the pod; creates the claim if it went missing.
   */
  private async labelClaim(request: RuntimeStartRequest) {
    const name = request.volume.runtimeRef;
    const labels = instanceLabels(request);
    try {
      await this.core.patchNamespacedPersistentVolumeClaim(
        { name, namespace: this.namespace, body: { metadata: { labels } } },
        mergePatch,
      );
    } catch (error) {
      if (!isNotFound(error))
        throw errorWith(`could not label volume claim ${name}`, error);
      const claim = claimManifest(request.volume.id, this.claimOptions());
      claim.metadata!.labels = labels;
      await this.createClaim(claim);
    }
  }

  /** Creates the namespace when asked to, and puts the engines' network policy in place; retries until it can. */
  private async prepareNamespace() {
    for (
      let delayMs = 1000;
      !this.shutDown;
      delayMs = Math.min(delayMs * 2, 30_000)
    ) {
      try {
        if (this.options.config.createNamespace) await this.ensureNamespace();
        const policy = this.options.config.networkPolicy;
        if (policy)
          await this.applyNetworkPolicy(
            policy.from as V1NetworkPolicyPeer[],
            policy.egress as V1NetworkPolicyEgressRule[],
          );
        this.namespaceError = undefined;
        return;
      } catch (error) {
        const message = `namespace ${this.namespace}: ${describeKubeError(
          error,
        )}`;
        if (message !== this.namespaceError) {
          this.options.logger.warn(`Cannot prepare ${message}; retrying`);
        }
        this.namespaceError = message;
        await new Promise(r => setTimeout(r, delayMs).unref());
      }
    }
  }

  private async ensureNamespace() {
    try {
      await this.core.readNamespace({ name: this.namespace });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.core
        .createNamespace({ body: { metadata: { name: this.namespace } } })
        .catch(e => {
          if (!isConflict(e)) throw e;
        });
      this.options.logger.info(`Created namespace ${this.namespace}`);
    }
  }

  /** Creates the policy, or replaces it with the configured peers and egress. */
  private async applyNetworkPolicy(
    from: V1NetworkPolicyPeer[],
    egress: V1NetworkPolicyEgressRule[],
  ) {
    const body = networkPolicyManifest(this.namespace, from, egress);
    try {
      await this.networking.createNamespacedNetworkPolicy({
        namespace: this.namespace,
        body,
      });
    } catch (error) {
      if (!isConflict(error)) throw error;
      await this.networking.replaceNamespacedNetworkPolicy({
        name: NETWORK_POLICY_NAME,
        namespace: this.namespace,
        body,
      });
    }
  }
}
