import { z } from 'zod';
import { ingressHostTemplateProblem } from '../ingressHosts';
import { timeZoneSchema, configNumber } from './primitives';
import { GpuPool, gpuPoolSchema } from './pools';
import { EngineTemplate, engineTemplateSchema } from './templates';

/**
 * A user's or group's spending limit per calendar month.
 *
 * @public
 */
export interface Budget {
  entityRef: string;
  monthly: number;
  /** Refuse new launches once the month's spend reaches the budget, and release running engines `graceMinutes` later. */
  enforce: boolean;
  /** With `enforce`: how long engines may go on running once the budget is used up. */
  graceMinutes: number;
}

/**
 * Time zone of daily series and months, budgets, and alert thresholds.
 *
 * @public
 */
export interface CostConfig {
  timeZone: string;
  budgets: Budget[];
  /** Percent of a budget at which its owners are notified. */
  alertThresholds: number[];
  /** How often budgets are checked, for alerts and enforcement. */
  checkIntervalSeconds: number;
}

/**
 * Limits on what a user, or the members of a group together, may hold at once and spend.
 *
 * @public
 */
export interface Quota {
  entityRef: string;
  /** Instances holding compute (starting, running, releasing). */
  maxInstances?: number;
  /** GPUs those instances hold (fractions for shared GPUs). */
  maxGpus?: number;
  /** Spend this calendar month (cost time zone), from the usage ledger. */
  monthlySpend?: number;
}

/**
 * Idle release: what counts as idle and when the owner hears of it.
 *
 * @public
 */
export interface IdleConfig {
  /** Release an instance after this long without activity; 0 turns idle release off. */
  timeoutMinutes: number;
  /** Warn the owner this long before the release. */
  warnMinutesBefore: number;
  /** Release any instance that has held compute this long, idle or busy (an engine's busy report is its own word). */
  maxLifetimeHours?: number;
  /** How often the check runs (one replica at a time). */
  checkIntervalSeconds: number;
  /** The time zone of release windows. */
  timeZone: string;
}

/**
 * Where browsers open engines: each instance at an origin of its own, served
 * by a listener of the gateway's. Used unless the runtime gives instances
 * hosts of its own (the Kubernetes runtime's Ingress mode).
 *
 * @public
 */
export interface EngineOriginsConfig {
  /** The host of each instance, with `${instanceId}` once (default `${instanceId}.localhost`). */
  host: string;
  /** How browsers reach the hosts (default `http`; `https` behind a TLS-terminating load balancer). */
  scheme: 'http' | 'https';
  /** The port the gateway listens on for engine requests (default 7008; 0 picks a free one). */
  port: number;
  /** The interface it listens on (default all, as the backend's own listener). */
  listenHost?: string;
  /** The port in the URLs browsers use, when not `port` (443 behind a load balancer). */
  publicPort?: number;
}

/**
 * The `aigcGateway` section of app-config, as the backend validates it at start.
 *
 * @public
 */
export interface GatewayConfig {
  currency: string;
  /** Members may manage versions and rollouts; the example portal's permission policy reads it too. */
  adminGroups: string[];
  versionManagement: {
    /**
     * Whether managing versions and rollouts needs membership of an admin
     * group besides `aigc-gateway.version.manage` (default true), so a
     * policy that allows everything, as a fresh app's does, makes no user an
     * admin. false: the permission alone decides.
     */
    adminGroupsOnly: boolean;
  };
  /** Each runtime module reads and validates its own section. */
  runtime: {
    local?: Record<string, unknown>;
    kubernetes?: Record<string, unknown>;
  };
  pools: GpuPool[];
  templates: EngineTemplate[];
  cost: CostConfig;
  idle: IdleConfig;
  quotas: Quota[];
  engineOrigins: EngineOriginsConfig;
  pathProxy: {
    /**
     * Whether browsers may use the path-form proxy with the portal's cookie
     * (default false): engine pages then share the portal's origin, so only
     * for development. API clients with a token may use it always.
     */
    cookie: boolean;
  };
  versionSwitch: {
    /** A switch whose backend has been silent this long is undone by another (or the next) backend. */
    staleAfterSeconds: number;
  };
  rollouts: {
    /** How often each backend advances the rollouts in progress. */
    checkIntervalSeconds: number;
  };
  jobs: {
    /** How often the completed-job counters of running engines are read (one replica at a time). */
    checkIntervalSeconds: number;
  };
}

/** @public */
const userOrGroupRef = z
  .string()
  .regex(
    /^(user|group):[^/:]+\/[^/:]+$/,
    'must be a user or group entity ref such as group:default/creators-a',
  );

/** @public */
export const budgetSchema: z.ZodType<Budget, z.ZodTypeDef, unknown> = z
  .object({
    entityRef: userOrGroupRef,
    monthly: configNumber(z.number().positive()),
    enforce: z.boolean().default(false),
    graceMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(15),
  })
  .strict();

/** @public */
export const costConfigSchema: z.ZodType<CostConfig, z.ZodTypeDef, unknown> = z
  .object({
    timeZone: timeZoneSchema.default('UTC'),
    budgets: z.array(budgetSchema).default([]),
    alertThresholds: z
      .array(configNumber(z.number().int().min(1).max(1000)))
      .default([80, 100]),
    checkIntervalSeconds: configNumber(
      z.number().int().min(1).max(3600),
    ).default(60),
  })
  .strict();

/** @public */
export const quotaSchema: z.ZodType<Quota, z.ZodTypeDef, unknown> = z
  .object({
    entityRef: userOrGroupRef,
    maxInstances: configNumber(z.number().int().nonnegative()).optional(),
    maxGpus: configNumber(z.number().nonnegative()).optional(),
    monthlySpend: configNumber(z.number().nonnegative()).optional(),
  })
  .strict();

/** @public */
export const idleConfigSchema: z.ZodType<IdleConfig, z.ZodTypeDef, unknown> = z
  .object({
    timeoutMinutes: configNumber(z.number().nonnegative()).default(30),
    warnMinutesBefore: configNumber(z.number().nonnegative()).default(5),
    maxLifetimeHours: configNumber(z.number().positive()).optional(),
    checkIntervalSeconds: configNumber(z.number().int().min(1)).default(60),
    timeZone: timeZoneSchema.default('UTC'),
  })
  .strict();

/** The ids of a list, each item whose id an earlier one has reported as a duplicate. */
function uniqueIds(
  items: Array<{ id: string }>,
  key: string,
  what: string,
  ctx: z.RefinementCtx,
): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, i) => {
    if (ids.has(item.id))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [key, i, 'id'],
        message: `duplicate ${what} id "${item.id}"`,
      });
    ids.add(item.id);
  });
  return ids;
}

/** @public */
export const gatewayConfigSchema: z.ZodType<
  GatewayConfig,
  z.ZodTypeDef,
  unknown
> = z
  .object({
    currency: z.string().length(3).default('USD'),
    adminGroups: z.array(z.string()).default(['group:default/aigc-admins']),
    versionManagement: z
      .object({ adminGroupsOnly: z.boolean().default(true) })
      .strict()
      .default({}),
    runtime: z
      .object({
        local: z.record(z.unknown()).optional(),
        kubernetes: z.record(z.unknown()).optional(),
      })
      .strict()
      .default({}),
    pools: z.array(gpuPoolSchema).default([]),
    templates: z.array(engineTemplateSchema).default([]),
    cost: costConfigSchema.default({}),
    idle: idleConfigSchema.default({}),
    quotas: z.array(quotaSchema).default([]),
    engineOrigins: z
      .object({
        host: z
          .string()
          .superRefine((host, ctx) => {
            const problem = ingressHostTemplateProblem(host);
            if (problem)
              ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
          })
          .default('${instanceId}.localhost'),
        scheme: z.enum(['http', 'https']).default('http'),
        port: configNumber(z.number().int().min(0).max(65535)).default(7008),
        listenHost: z.string().optional(),
        publicPort: configNumber(z.number().int().min(1).max(65535)).optional(),
      })
      .strict()
      .default({}),
    pathProxy: z
      .object({ cookie: z.boolean().default(false) })
      .strict()
      .default({}),
    versionSwitch: z
      .object({
        staleAfterSeconds: configNumber(z.number().int().min(1)).default(60),
      })
      .strict()
      .default({}),
    rollouts: z
      .object({
        checkIntervalSeconds: configNumber(z.number().int().min(1)).default(5),
      })
      .strict()
      .default({}),
    jobs: z
      .object({
        checkIntervalSeconds: configNumber(
          z.number().int().min(1).max(3600),
        ).default(30),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const pools = uniqueIds(c.pools, 'pools', 'pool', ctx);
    uniqueIds(c.templates, 'templates', 'template', ctx);
    c.templates.forEach((t, i) => {
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
