import { GpuPool } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** Whose compute a launch or relaunch would start. */
export interface LaunchOwner {
  ownerRef: string;
  /** The owner's groups (at launch, for a relaunch). */
  ownerGroups: string[];
}

/**
 * A check every new start passes: budgets today, quotas alike. It throws
 * the error to answer with (a 4xx naming the limit and its use); starting
 * an instance that is already running is never refused.
 */
export interface LaunchGate {
  /** `pool`: where the new start would take compute. */
  check(owner: LaunchOwner, pool: GpuPool): Promise<void>;
}
