import { z } from 'zod';
import {
  EngineKind,
  engineKinds,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { slugSchema } from './primitives';
import { EngineVersion, engineVersionSchema } from './versions';

/** @public */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * When a pool's or template's engines go: within a window, an engine idle
 * for `graceMinutes` is released (one at work never is). A window whose
 * `to` is before its `from` runs into the next morning.
 *
 * @public
 */
export interface ReleaseWindow {
  days: Weekday[];
  /** A time of day such as 21:00 (default 00:00). */
  from: string;
  /** A time of day, up to 24:00 (the default). */
  to: string;
  graceMinutes: number;
}

const clockTime = z
  .string()
  .regex(
    /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/,
    'must be a time of day such as 21:00',
  );

/** @public */
export const releaseWindowSchema: z.ZodType<
  ReleaseWindow,
  z.ZodTypeDef,
  unknown
> = z
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
 * An engine users can launch, with its versions.
 *
 * @public
 */
export interface EngineTemplate {
  id: string;
  title: string;
  description: string;
  icon?: string;
  /** The group entity ref that owns it, such as group:default/aigc-admins. */
  owner: string;
  kind: EngineKind;
  versions: EngineVersion[];
  /** Idle instances of this template are released after this long (before the pool's setting). */
  idleTimeoutMinutes?: number;
  releaseWindows: ReleaseWindow[];
  /**
   * Where the engine says whether it is busy, in place of its kind's own
   * path; for `generic-http` engines, JSON with `busy: true` while it works.
   */
  busyProbePath?: string;
}

/** @public */
export const engineTemplateSchema: z.ZodType<
  EngineTemplate,
  z.ZodTypeDef,
  unknown
> = z
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
    kind: z.enum(engineKinds),
    versions: z.array(engineVersionSchema).min(1),
    idleTimeoutMinutes: z.number().positive().optional(),
    releaseWindows: z.array(releaseWindowSchema).default([]),
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
