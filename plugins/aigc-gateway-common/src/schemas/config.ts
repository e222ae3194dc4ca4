import { z } from 'zod';
import {
  kubernetesMigrationSpecSchema,
  kubernetesPlacementSchema,
  kubernetesRuntimeSpecSchema,
} from './kubernetes';

/**
 * A lower-case slug: the stable id of a template or pool, used in URLs and labels.
 *
 * @public
 */
export const slugSchema = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'must be a lower-case slug (a-z, 0-9 and inner dashes, at most 63 characters)',
  );

/** @public */
export const engineKindSchema = z.enum(['sd-webui', 'comfyui', 'generic-http']);

/** @public */
export const versionStatusSchema = z.enum(['active', 'deprecated', 'retired']);

const clockTime = z
  .string()
  .regex(
    /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/,
    'must be a time of day such as 21:00',
  );

/**
 * When a pool's or template's engines go: within a window, an engine idle
 * for `graceMinutes` is released (one at work never is). A window whose
 * `to` is before its `from` runs into the next morning.
 *
 * @public
 */
export const releaseWindowSchema = z
  .object({
    days: z
      .array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']))
      .min(1),
    from: clockTime.default('00:00'),
    to: clockTime.default('24:00'),
    graceMinutes: z.number().nonnegative().default(10),
  })
  .strict();

/**
 * A version's local-runtime spec names an engine install that the portal's
 * operators declared under `aigcGateway.runtime.local.engines`; only config
 * says what the portal's host executes.
 *
 * @public
 */
export const localEngineRefSchema = z.object({ engine: slugSchema }).strict();

/**
 * How the local runtime starts an engine as a child process of the backend.
 *
 * @public
 */
export const localRuntimeSpecSchema = localEngineRefSchema;

/**
 * The engine install the local runtime runs on a volume's folder to move its data between layouts.
 *
 * @public
 */
export const localMigrationSpecSchema = localEngineRefSchema;

/**
 * How to move a volume's data from one layout to another.
 *
 * @public
 */
export const migrationSchema = z
  .object({
    fromLayout: z.number().int().min(1),
    toLayout: z.number().int().min(1),
    local: localMigrationSpecSchema.optional(),
    kubernetes: kubernetesMigrationSpecSchema.optional(),
  })
  .strict()
  .refine(m => m.fromLayout !== m.toLayout, {
    message:
      'a migration must change the data layout (fromLayout equals toLayout)',
    path: ['toLayout'],
  });

/** @public */
export const versionStringSchema = z
  .string()
  .regex(
    /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/,
    'must be a version string such as 1.2.0',
  );

/** The fields of a version, before the checks that span several of them. */
const engineVersionFields = z
  .object({
    version: versionStringSchema,
    status: versionStatusSchema.default('active'),
    dataLayout: z.number().int().min(1).default(1),
    pools: z.array(slugSchema).min(1),
    defaultPool: slugSchema.optional(),
    runtime: z
      .object({
        local: localRuntimeSpecSchema.optional(),
        kubernetes: kubernetesRuntimeSpecSchema.optional(),
      })
      .strict()
      .default({}),
    /** Migrations this version brings, between any two layouts. */
    migrations: z.array(migrationSchema).default([]),
  })
  .strict();

function checkVersion(
  v: z.infer<typeof engineVersionFields>,
  ctx: z.RefinementCtx,
) {
  if (v.defaultPool && !v.pools.includes(v.defaultPool)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['defaultPool'],
      message: `"${
        v.defaultPool
      }" is not one of this version's pools (${v.pools.join(', ')})`,
    });
  }
  const seen = new Set<string>();
  v.migrations.forEach((m, i) => {
    const key = `${m.fromLayout}->${m.toLayout}`;
    if (seen.has(key)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['migrations', i],
        message: `duplicate migration from layout ${m.fromLayout} to ${m.toLayout}`,
      });
    }
    seen.add(key);
  });
}

/** @public */
export const engineVersionSchema =
  engineVersionFields.superRefine(checkVersion);

/**
 * `PATCH /versions/:templateId/:version`: deprecate, retire or reactivate a version.
 *
 * @public
 */
export const versionStatusRequestSchema = z
  .object({ status: versionStatusSchema })
  .strict();

/**
 * `POST /versions`: a new version of an existing template. With `basedOn`,
 * the runtime specs and migrations not given are those of that version.
 *
 * @public
 */
export const createVersionRequestSchema = engineVersionFields
  .extend({ templateId: slugSchema, basedOn: versionStringSchema.optional() })
  .superRefine(checkVersion);

/** @public */
export const engineTemplateSchema = z
  .object({
    id: slugSchema,
    title: z.string().min(1),
    description: z.string().default(''),
    icon: z.string().optional(),
    owner: z
      .string()
      .regex(
        /^group:[^/]+\/[^/]+$|^group:[^/:]+$/,
        'must be a group entity ref such as group:default/aigc-admins',
      ),
    kind: engineKindSchema,
    versions: z.array(engineVersionSchema).min(1),
    /** Idle instances of this template are released after this long (before the pool's setting). */
    idleTimeoutMinutes: z.number().positive().optional(),
    releaseWindows: z.array(releaseWindowSchema).default([]),
    /**
     * For `generic-http` engines: a path that answers JSON with `busy: true`
     * while the engine works, so it is not released then.
     */
    busyProbePath: z.string().startsWith('/').optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.versions.forEach((v, i) => {
      if (seen.has(v.version)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['versions', i, 'version'],
          message: `duplicate version "${v.version}"`,
        });
      }
      seen.add(v.version);
    });
  });

/** @public */
export const gpuPoolSchema = z
  .object({
    id: slugSchema,
    title: z.string().min(1),
    gpuType: z.string().min(1),
    gpusPerInstance: z.number().positive().default(1),
    gpuMemoryGiB: z.number().positive().optional(),
    pricePerHour: z.number().nonnegative(),
    /** Later prices, each from its effective time on; usage intervals keep the price at their start. */
    priceChanges: z
      .array(
        z
          .object({
            from: z.string().datetime({ offset: true }),
            pricePerHour: z.number().nonnegative(),
          })
          .strict(),
      )
      .default([]),
    /** Local runtime: how many instances may run at once. */
    capacity: z.number().int().nonnegative().optional(),
    /** Kubernetes runtime: node selection and resource names. */
    kubernetes: kubernetesPlacementSchema.default({}),
    /** Idle instances in this pool are released after this long (overrides `aigcGateway.idle`). */
    idleTimeoutMinutes: z.number().positive().optional(),
    releaseWindows: z.array(releaseWindowSchema).default([]),
  })
  .strict();

/**
 * An IANA time zone such as Europe/Berlin, as the runtime's Intl knows it.
 *
 * @public
 */
export const timeZoneSchema = z.string().refine(
  zone => {
    try {
      return Boolean(
        new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions()
          .timeZone,
      );
    } catch {
      return false;
    }
  },
  zone => ({
    message: `unknown time zone "${zone}" (use an IANA name such as Europe/Berlin)`,
  }),
);

/**
 * A user's or group's spending limit per calendar month.
 *
 * @public
 */
export const budgetSchema = z
  .object({
    entityRef: z
      .string()
      .regex(
        /^(user|group):[^/:]+\/[^/:]+$/,
        'must be a user or group entity ref such as group:default/creators-a',
      ),
    monthly: z.number().positive(),
    /** Refuse new launches once the month's spend reaches the budget. */
    enforce: z.boolean().default(false),
  })
  .strict();

/**
 * Time zone of daily series and months, budgets, and alert thresholds.
 *
 * @public
 */
export const costConfigSchema = z
  .object({
    timeZone: timeZoneSchema.default('UTC'),
    budgets: z.array(budgetSchema).default([]),
    /** Percent of a budget at which its owners are notified. */
    alertThresholds: z
      .array(z.number().int().min(1).max(1000))
      .default([80, 100]),
  })
  .strict();

/**
 * Limits on what a user, or the members of a group together, may hold at once and spend.
 *
 * @public
 */
export const quotaSchema = z
  .object({
    entityRef: z
      .string()
      .regex(
        /^(user|group):[^/:]+\/[^/:]+$/,
        'must be a user or group entity ref such as group:default/creators-a',
      ),
    /** Instances holding compute (starting, running, releasing). */
    maxInstances: z.number().int().nonnegative().optional(),
    /** GPUs those instances hold (fractions for shared GPUs). */
    maxGpus: z.number().nonnegative().optional(),
    /** Spend this calendar month (cost time zone), from the usage ledger. */
    monthlySpend: z.number().nonnegative().optional(),
  })
  .strict();

/**
 * Idle release: what counts as idle and when the owner hears of it.
 *
 * @public
 */
export const idleConfigSchema = z
  .object({
    /** Release an instance after this long without activity; 0 turns idle release off. */
    timeoutMinutes: z.number().nonnegative().default(30),
    /** Warn the owner this long before the release. */
    warnMinutesBefore: z.number().nonnegative().default(5),
    /** Release any instance that has held compute this long, idle or not (but never while busy). */
    maxLifetimeHours: z.number().positive().optional(),
    /** How often the check runs (one replica at a time). */
    checkIntervalSeconds: z.number().int().min(1).default(60),
    /** The time zone of release windows. */
    timeZone: timeZoneSchema.default('UTC'),
  })
  .strict();

/**
 * The `aigcGateway` section of app-config, as the backend validates it at start.
 *
 * @public
 */
export const gatewayConfigSchema = z
  .object({
    currency: z.string().length(3).default('USD'),
    /** Read by the example portal's permission policy. */
    adminGroups: z.array(z.string()).default(['group:default/aigc-admins']),
    runtime: z
      .object({
        /** Read by the local runtime module, which validates it. */
        local: z.record(z.unknown()).optional(),
        /** Read by the Kubernetes runtime module, which validates it. */
        kubernetes: z.record(z.unknown()).optional(),
      })
      .strict()
      .default({}),
    pools: z.array(gpuPoolSchema).default([]),
    templates: z.array(engineTemplateSchema).default([]),
    cost: costConfigSchema.default({}),
    idle: idleConfigSchema.default({}),
    quotas: z.array(quotaSchema).default([]),
    versionSwitch: z
      .object({
        /** A switch whose backend has been silent this long is undone by another (or the next) backend. */
        staleAfterSeconds: z.number().int().min(1).default(60),
      })
      .strict()
      .default({}),
    rollouts: z
      .object({
        /** How often each backend advances the rollouts in progress. */
        checkIntervalSeconds: z.number().int().min(1).default(5),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const pools = new Set<string>();
    c.pools.forEach((p, i) => {
      if (pools.has(p.id)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['pools', i, 'id'],
          message: `duplicate pool id "${p.id}"`,
        });
      }
      pools.add(p.id);
    });
    const templates = new Set<string>();
    c.templates.forEach((t, i) => {
      if (templates.has(t.id)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['templates', i, 'id'],
          message: `duplicate template id "${t.id}"`,
        });
      }
      templates.add(t.id);
      t.versions.forEach((v, j) =>
        v.pools.forEach((p, k) => {
          if (!pools.has(p)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ['templates', i, 'versions', j, 'pools', k],
              message: `unknown pool "${p}" (configured pools: ${
                [...pools].join(', ') || 'none'
              })`,
            });
          }
        }),
      );
    });
  });

/** @public */
export type EngineKind = z.infer<typeof engineKindSchema>;
/** @public */
export type VersionStatus = z.infer<typeof versionStatusSchema>;
/** @public */
export type LocalRuntimeSpec = z.infer<typeof localRuntimeSpecSchema>;
/** @public */
export type EngineVersion = z.infer<typeof engineVersionSchema>;
/** @public */
export type Migration = z.infer<typeof migrationSchema>;
/** @public */
export type CreateVersionRequest = z.input<typeof createVersionRequestSchema>;
/** @public */
export type EngineTemplate = z.infer<typeof engineTemplateSchema>;
/** @public */
export type GpuPool = z.infer<typeof gpuPoolSchema>;
/** @public */
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
/** @public */
export type Budget = z.infer<typeof budgetSchema>;
/** @public */
export type CostConfig = z.infer<typeof costConfigSchema>;
/** @public */
export type IdleConfig = z.infer<typeof idleConfigSchema>;
/** @public */
export type Quota = z.infer<typeof quotaSchema>;
/** @public */
export type ReleaseWindow = z.infer<typeof releaseWindowSchema>;
