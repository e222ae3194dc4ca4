import { z } from 'zod';
import {
  LocalEngineRef,
  VersionStatus,
  versionStatuses,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { slugSchema, versionStringSchema } from './primitives';
import {
  KubernetesMigrationSpec,
  kubernetesMigrationSpecSchema,
  KubernetesRuntimeSpec,
  kubernetesRuntimeSpecSchema,
  localEngineRefSchema,
} from './runtimeSpecs';

/**
 * How to move a volume's data from one layout to another, per runtime.
 *
 * @public
 */
export interface Migration {
  fromLayout: number;
  toLayout: number;
  local?: LocalEngineRef;
  kubernetes?: KubernetesMigrationSpec;
}

/**
 * One version of an engine template: where it runs and how each runtime starts it.
 *
 * @public
 */
export interface EngineVersion {
  version: string;
  status: VersionStatus;
  /** The layout of the data it reads; instances on another layout migrate first. */
  dataLayout: number;
  pools: string[];
  defaultPool?: string;
  runtime: {
    local?: LocalEngineRef;
    kubernetes?: KubernetesRuntimeSpec;
  };
  /** Migrations this version brings, between any two layouts. */
  migrations: Migration[];
}

/**
 * A version to create through `POST /versions`, after validation.
 *
 * @public
 */
export interface CreateVersionInput extends EngineVersion {
  templateId: string;
  /** The version whose runtime specs and migrations fill those not given. */
  basedOn?: string;
}

/** @public */
export const migrationSchema: z.ZodType<Migration, z.ZodTypeDef, unknown> = z
  .object({
    fromLayout: z.number().int().min(1),
    toLayout: z.number().int().min(1),
    local: localEngineRefSchema.optional(),
    kubernetes: kubernetesMigrationSpecSchema.optional(),
  })
  .strict()
  .refine(m => m.fromLayout !== m.toLayout, {
    message:
      'a migration must change the data layout (fromLayout equals toLayout)',
    path: ['toLayout'],
  });

/** The fields of a version, before the checks that span several of them. */
const engineVersionFields = z
  .object({
    version: versionStringSchema,
    status: z.enum(versionStatuses).default('active'),
    dataLayout: z.number().int().min(1).default(1),
    pools: z.array(slugSchema).min(1),
    defaultPool: slugSchema.optional(),
    runtime: z
      .object({
        local: localEngineRefSchema.optional(),
        kubernetes: kubernetesRuntimeSpecSchema.optional(),
      })
      .strict()
      .default({}),
    migrations: z.array(migrationSchema).default([]),
  })
  .strict();

function checkVersion(v: EngineVersion, ctx: z.RefinementCtx) {
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
export const engineVersionSchema: z.ZodType<
  EngineVersion,
  z.ZodTypeDef,
  unknown
> = engineVersionFields.superRefine(checkVersion);

/**
 * The body of `POST /versions`.
 *
 * @public
 */
export const createVersionRequestSchema: z.ZodType<
  CreateVersionInput,
  z.ZodTypeDef,
  unknown
> = engineVersionFields
  .extend({ templateId: slugSchema, basedOn: versionStringSchema.optional() })
  .superRefine(checkVersion);
