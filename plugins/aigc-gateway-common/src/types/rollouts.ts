import { InstanceState } from './instances';

/**
 * Body of `POST /rollouts`: move every instance of a template from one version to another.
 *
 * @public
 */
export interface RolloutRequest {
  templateId: string;
  from: string;
  to: string;
  /** List what would happen and change nothing (default false). */
  dryRun?: boolean;
  /** This share of the instances (0–100, default 0) switches first; any failure among them pauses the rollout. */
  canaryPercent?: number;
  /** At most this many instances (1–20, default 2) migrate at once. */
  concurrency?: number;
  /** Release running instances to switch them now, instead of at their next release (default false). */
  force?: boolean;
}

/**
 * `POST /rollouts/:id/:action`.
 *
 * @public
 */
export const rolloutActions = ['pause', 'resume', 'abort', 'rollback'] as const;
/** @public */
export type RolloutAction = (typeof rolloutActions)[number];

/**
 * `running` → `completed`; `paused` stops starting switches (a failed canary
 * pauses by itself); `aborting` → `aborted` lets the switches under way end
 * and starts no more; `rolling-back` → `rolled-back` switches back the
 * instances it moved.
 *
 * @public
 */
export const rolloutStates = [
  'running',
  'paused',
  'aborting',
  'aborted',
  'completed',
  'rolling-back',
  'rolled-back',
] as const;
/** @public */
export type RolloutState = (typeof rolloutStates)[number];

/**
 * One instance in a rollout: `pending`; `waiting` for its owner to release
 * it; `claimed` and `switching` while it migrates; then `done` (on the
 * goal version), `failed` (left on its version, data restored) or
 * `skipped` (deleted, switched by hand, or not reached before an abort).
 *
 * @public
 */
export const rolloutTargetStatuses = [
  'pending',
  'waiting',
  'claimed',
  'switching',
  'done',
  'failed',
  'skipped',
] as const;
/** @public */
export type RolloutTargetStatus = (typeof rolloutTargetStatuses)[number];

/**
 * When a planned switch happens.
 *
 * @public
 */
export type RolloutTiming =
  | 'now'
  | 'at its next release'
  | 'after a forced release';

/**
 * One instance a rollout would move, as a dry run lists it.
 *
 * @public
 */
export interface RolloutPlanItemView {
  instanceId: string;
  name: string;
  ownerRef: string;
  state: InstanceState;
  dataLayout: number;
  /** The migrations its data goes through, in order; empty when the layouts match. */
  migrations: Array<{ fromLayout: number; toLayout: number }>;
  canary: boolean;
  when: RolloutTiming;
}

/**
 * The answer to `POST /rollouts` with `dryRun: true`.
 *
 * @public
 */
export interface RolloutPlanView {
  dryRun: true;
  templateId: string;
  from: string;
  to: string;
  canaryPercent: number;
  concurrency: number;
  force: boolean;
  items: RolloutPlanItemView[];
}

/** @public */
export interface RolloutTargetView {
  instanceId: string;
  name: string;
  ownerRef: string;
  canary: boolean;
  /** The version this instance is being moved to: `to`, or `from` while rolling back. */
  goal: string;
  status: RolloutTargetStatus;
  attempts: number;
  detail?: string;
  updatedAt: string;
}

/** @public */
export interface RolloutView {
  id: string;
  templateId: string;
  from: string;
  to: string;
  state: RolloutState;
  canaryPercent: number;
  concurrency: number;
  force: boolean;
  message?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  counts: Record<RolloutTargetStatus, number>;
  targets: RolloutTargetView[];
}

/** @public */
export interface RolloutListResponse {
  items: RolloutView[];
}
