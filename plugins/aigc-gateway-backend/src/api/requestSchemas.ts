import { z } from 'zod';
import {
  costDimensions,
  rolloutActions,
  versionStatuses,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  slugSchema,
  versionStringSchema,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/*
 * The zod schemas of the request bodies and queries the API accepts; their
 * types, for callers, are the request interfaces of the common package.
 */

const instanceNameSchema = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/,
    'must be a lower-case name of at most 40 characters (a-z, 0-9 and inner dashes)',
  );

/** `POST /instances`. */
export const launchRequestSchema = z
  .object({
    templateId: slugSchema,
    version: z.string().min(1).max(64).optional(),
    poolId: slugSchema.optional(),
    name: instanceNameSchema.optional(),
  })
  .strict();

/** `POST /instances/:id/switch-version`. */
export const switchVersionRequestSchema = z
  .object({ version: z.string().min(1).max(64) })
  .strict();

/** `PATCH /versions/:templateId/:version`. */
export const versionStatusRequestSchema = z
  .object({ status: z.enum(versionStatuses) })
  .strict();

/** `POST /rollouts`. */
export const rolloutRequestSchema = z
  .object({
    templateId: slugSchema,
    from: versionStringSchema,
    to: versionStringSchema,
    dryRun: z.boolean().default(false),
    canaryPercent: z.number().int().min(0).max(100).default(0),
    concurrency: z.number().int().min(1).max(20).default(2),
    force: z.boolean().default(false),
  })
  .strict();

/** `POST /rollouts/:id/:action`. */
export const rolloutActionSchema = z.enum(rolloutActions);

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

/** The query of `GET /cost/summary`, `/cost/daily` and `/cost/export.csv`. */
export const costQuerySchema = z
  .object({
    from: instantOrDay.optional(),
    to: instantOrDay.optional(),
    entityRef: entityRef.optional(),
    groupBy: z.enum(costDimensions).default('template'),
  })
  .passthrough();
