import { createApiRef } from '@backstage/core-plugin-api';
import {
  BudgetListResponse,
  CostDailyResponse,
  CostDimension,
  CostSummaryResponse,
  EngineTemplateView,
  InstanceEventView,
  InstanceView,
  LaunchRequest,
  PoolView,
  RolloutAction,
  RolloutPlanView,
  RolloutRequest,
  RolloutView,
  VersionListResponse,
  VersionStatus,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/**
 * The range and entity of a cost query; `from` and `to` are ISO times.
 *
 * @public
 */
export interface CostRequest {
  from?: string;
  to?: string;
  entityRef?: string;
}

/**
 * The gateway's REST API as the portal uses it.
 *
 * @public
 */
export interface AigcGatewayApi {
  listTemplates(): Promise<EngineTemplateView[]>;
  listPools(): Promise<PoolView[]>;
  listInstances(options?: { scope?: 'mine' | 'all' }): Promise<InstanceView[]>;
  getInstance(id: string): Promise<InstanceView>;
  launch(request: LaunchRequest): Promise<InstanceView>;
  release(id: string): Promise<InstanceView>;
  relaunch(id: string): Promise<InstanceView>;
  /** Every template's versions with their source and the instances on them. */
  listVersions(): Promise<VersionListResponse['items']>;
  /** Deprecates, retires or reactivates a version created through the API (admins). */
  setVersionStatus(
    templateId: string,
    version: string,
    status: VersionStatus,
  ): Promise<void>;
  /** What a rollout would do, changing nothing (admins). */
  planRollout(
    request: Omit<RolloutRequest, 'dryRun'>,
  ): Promise<RolloutPlanView>;
  /** Starts a rollout (admins). */
  startRollout(request: Omit<RolloutRequest, 'dryRun'>): Promise<RolloutView>;
  /** Rollouts, newest first, with each instance's progress (admins). */
  listRollouts(): Promise<RolloutView[]>;
  /** Pauses, resumes, aborts or rolls back a rollout (admins). */
  rolloutAction(id: string, action: RolloutAction): Promise<RolloutView>;
  /** Marks an instance as in use, so idle release waits again. */
  keepAlive(id: string): Promise<void>;
  /** Moves a released instance to another version, migrating its data (202: it is `migrating`). */
  switchVersion(id: string, version: string): Promise<InstanceView>;
  deleteInstance(id: string, options: { deleteData: boolean }): Promise<void>;
  /** Sets the cookie that lets a browser tab open engines through the gateway. */
  authorizeBrowser(): Promise<void>;
  /** The gateway's sign-in that opens the engine at `address` (its own origin), after the portal signed the browser in. */
  engineSignInUrl(address: string): Promise<string>;
  /** Costs over a range (default: this month so far), optionally of one catalog entity. */
  costSummary(
    query: CostRequest & { groupBy: CostDimension },
  ): Promise<CostSummaryResponse>;
  costDaily(query: CostRequest): Promise<CostDailyResponse>;
  /** The usage intervals of a range as CSV, for download. */
  costExport(query: CostRequest): Promise<Blob>;
  /** The budgets that apply to the caller (admins: all), with this month's spend. */
  costBudgets(): Promise<BudgetListResponse>;
  /** Follows an instance's progress until `signal` aborts. */
  streamEvents(
    id: string,
    onEvent: (event: InstanceEventView) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

/** @public */
export const aigcGatewayApiRef = createApiRef<AigcGatewayApi>({
  id: 'plugin.aigc-gateway.api',
});
