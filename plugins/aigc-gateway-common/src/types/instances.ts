/**
 * DESIGN §4: the states an instance moves through; `migrating`: released, its data switching versions.
 *
 * @public
 */
export const instanceStates = [
  'queued',
  'starting',
  'running',
  'releasing',
  'released',
  'migrating',
  'failed',
  'deleting',
  'deleted',
] as const;

/** @public */
export type InstanceState = (typeof instanceStates)[number];

/**
 * States in which the instance holds (or is acquiring) compute.
 *
 * @public
 */
export const computeStates: readonly InstanceState[] = [
  'starting',
  'running',
  'releasing',
];

/**
 * Body of `POST /instances`. A name is a lower-case slug of at most 40
 * characters; without version and pool the template's defaults apply.
 *
 * @public
 */
export interface LaunchRequest {
  templateId: string;
  version?: string;
  poolId?: string;
  name?: string;
}

/**
 * Body of `POST /instances/:id/switch-version`: the version to migrate the instance's data to and pin.
 *
 * @public
 */
export interface SwitchVersionRequest {
  version: string;
}

/** @public */
export interface InstanceEventView {
  state: InstanceState;
  message: string;
  at: string;
}

/**
 * An instance as the API shows it.
 *
 * @public
 */
export interface InstanceView {
  id: string;
  ownerRef: string;
  templateId: string;
  version: string;
  poolId: string;
  name: string;
  state: InstanceState;
  volumeId: string;
  /** Opens the engine in a browser: the portal's sign-in to the engine's own address. */
  url: string;
  /**
   * The engine's own address, the same for the instance's whole life: a
   * bookmark to it signs in and, when the instance is released, starts it.
   */
  address: string;
  failureReason?: string;
  /** 1-based place in the pool's queue while queued. */
  queuePosition?: number;
  lastActivityAt?: string;
  /**
   * Jobs the engine completed (images, generations, requests, as its kind
   * counts them) over all its starts; 0 for engines that tell none.
   */
  jobsCompleted: number;
  createdAt: string;
  updatedAt: string;
  events?: InstanceEventView[];
}

/** @public */
export interface InstanceListResponse {
  items: InstanceView[];
}

/**
 * Capacity of a pool, as `GET /pools` reports it.
 *
 * @public
 */
export interface PoolView {
  id: string;
  title: string;
  gpuType: string;
  gpusPerInstance: number;
  gpuMemoryGiB?: number;
  /** Price of one GPU-hour now. */
  pricePerHour: number;
  /** What one instance costs per hour now: `gpusPerInstance` × `pricePerHour`. */
  instancePricePerHour: number;
  currency: string;
  capacity: { total: number; used: number; free: number; queued: number };
}

/** @public */
export interface PoolListResponse {
  items: PoolView[];
}
