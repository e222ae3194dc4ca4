import { z } from 'zod';

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

/** `YYYY-MM-DD` (a day in the cost time zone) or an ISO 8601 time with offset. */
const instantOrDay = z
  .string()
  .refine(
    v =>
      /^\d{4}-\d{2}-\d{2}$/.test(v) ||
      z.string().datetime({ offset: true }).safeParse(v).success,
    'must be a day (2026-11-01) or a time with offset (2026-11-01T08:00:00Z)',
  );

const entityRef = z
  .string()
  .regex(
    /^[a-zA-Z]+:([^/:]+\/)?[^/:]+$/,
    'must be an entity ref such as user:default/alice',
  );

/**
 * Query of `GET /cost/summary`, `/cost/daily` and `/cost/export.csv`.
 *
 * @public
 */
export const costQuerySchema = z
  .object({
    from: instantOrDay.optional(),
    to: instantOrDay.optional(),
    entityRef: entityRef.optional(),
    groupBy: z.enum(costDimensions).default('template'),
  })
  .passthrough();
/** @public */
export type CostQuery = z.infer<typeof costQuerySchema>;

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
