import { EngineVersion, GpuPool } from './config';
import { IngressHosts } from './ingressHosts';

/**
 * The data volume an instance mounts; its identity is the uuid, never a name.
 *
 * @public
 */
export interface RuntimeVolume {
  id: string;
  /** Where the runtime keeps it: a folder (local) or a PVC name (Kubernetes). */
  runtimeRef: string;
}

/**
 * Where a new volume's engines run: a runtime may keep the volume with that workload.
 *
 * @public
 */
export interface VolumePlacement {
  templateId: string;
  version: EngineVersion;
  pool: GpuPool;
}

/**
 * Everything a runtime needs to start one engine instance.
 *
 * @public
 */
export interface RuntimeStartRequest {
  instanceId: string;
  templateId: string;
  version: EngineVersion;
  pool: GpuPool;
  volume: RuntimeVolume;
  /** The owner's entity ref; a runtime may label what it creates with a hash of it. */
  ownerRef?: string;
}

/**
 * Phases a runtime reports for an instance, each with a human reason.
 *
 * @public
 */
export type RuntimePhase =
  | 'scheduling'
  | 'pulling'
  | 'starting'
  | 'ready'
  | 'crashed'
  | 'stopped';

/** @public */
export interface RuntimeEvent {
  instanceId: string;
  phase: RuntimePhase;
  reason: string;
  at: Date;
}

/**
 * What the runtime holds for an instance right now.
 *
 * @public
 */
export interface RuntimeInstanceStatus {
  instanceId: string;
  phase: RuntimePhase;
}

/**
 * Where the gateway proxy sends an instance's traffic.
 *
 * @public
 */
export interface RuntimeEndpoint {
  host: string;
  port: number;
  /**
   * A Unix socket to connect to instead of `host:port`, for engines with no
   * network of their own; `host` and `port` are then the engine's own
   * address, sent as `Host`.
   */
  socketPath?: string;
}

/**
 * A place engines run: this machine (local) or a Kubernetes cluster. Every
 * method is idempotent, so the lifecycle can retry after crashes and the
 * reconciler can re-issue what it finds missing.
 *
 * @public
 */
export interface EngineRuntime {
  /** `local`, `kubernetes`, … as named in config. */
  readonly id: string;
  /**
   * True when engines keep running without the backend (Kubernetes pods): a
   * backend shutdown then leaves instances running for the next backend to
   * adopt, rather than releasing them.
   */
  readonly enginesOutliveBackend?: boolean;
  /**
   * Set when the runtime gives each instance its own Ingress host: browsers
   * then open engines there, and the gateway's forward-auth endpoint admits
   * each host's owner only.
   */
  readonly ingressHosts?: IngressHosts;
  /**
   * Set when a volume stays with the engine version and pool it was made for
   * (OpenKruiseGame: a GameServer's claim), so versions cannot be switched.
   */
  readonly volumesBoundToVersion?: boolean;
  /**
   * Why this runtime cannot run the version (a program it names that is not
   * installed, …), checked when a version is created; undefined when it can.
   */
  refuseVersion?(version: EngineVersion): string | undefined;
  /** Creates the volume's storage if missing and returns where it lives. */
  ensureVolume(
    volumeId: string,
    placement: VolumePlacement,
  ): Promise<RuntimeVolume>;
  /** Starts the engine; phases follow through `observe`. */
  start(request: RuntimeStartRequest): Promise<void>;
  /** Stops the engine and frees its compute; the volume stays. */
  stop(instanceId: string): Promise<void>;
  /** Removes the volume and its data. */
  deleteVolume(volume: RuntimeVolume): Promise<void>;
  /** Subscribes to phase changes of all instances; returns an unsubscribe. */
  observe(listener: (event: RuntimeEvent) => void): () => void;
  /** Every instance the runtime holds compute for, for reconciliation. */
  list(): Promise<RuntimeInstanceStatus[]>;
  /**
   * How many instances of the pool fit at once, from what the runtime sees
   * live (Kubernetes: the nodes' allocatable GPUs less what other pods
   * request). Undefined when the runtime cannot tell; the pool's configured
   * capacity applies then.
   */
  poolSlots?(pool: GpuPool): number | undefined;
  /** Where to proxy a ready instance, or undefined when it is not reachable. */
  endpoint(instanceId: string): RuntimeEndpoint | undefined;
  /** Stops watching and releases what the runtime itself holds. */
  shutdown(): Promise<void>;
}
