/** @public */
export const costDimensions = [
  'user',
  'group',
  'template',
  'version',
  'pool',
  'instance',
] as const;
/** @public */
export type CostDimension = (typeof costDimensions)[number];

/**
 * Query of `GET /cost/summary`, `/cost/daily` and `/cost/export.csv`: `from`
 * and `to` are days (2026-11-01, in the cost time zone) or times with offset.
 *
 * @public
 */
export interface CostQuery {
  from?: string;
  to?: string;
  entityRef?: string;
  groupBy?: CostDimension;
}

/**
 * Seconds of held compute, priced.
 *
 * @public
 */
export interface CostFigures {
  cost: number;
  hours: number;
  gpuHours: number;
}

/**
 * What every cost report says about itself: currency, range and scope.
 *
 * @public
 */
export interface CostReport {
  currency: string;
  from: string;
  to: string;
  /** `all`: everybody's usage; `own`: only the caller's, who may not read others'. */
  scope: 'all' | 'own';
  entityRef?: string;
}

/** @public */
export interface CostSummaryResponse extends CostReport {
  groupBy: CostDimension;
  total: CostFigures;
  /**
   * One row per key, most expensive first. By group, an interval counts for
   * each group its owner was in at launch, so rows may add up to more than the total.
   */
  items: Array<CostFigures & { key: string }>;
}

/** @public */
export interface CostDailyResponse extends CostReport {
  timeZone: string;
  days: Array<CostFigures & { day: string }>;
}

/**
 * A budget with this month's spend, as `GET /cost/budgets` shows it.
 *
 * @public
 */
export interface BudgetStatus {
  entityRef: string;
  /** `YYYY-MM` in the cost time zone. */
  month: string;
  monthly: number;
  enforce: boolean;
  spent: number;
  percent: number;
}

/** @public */
export interface BudgetListResponse {
  currency: string;
  items: BudgetStatus[];
}
