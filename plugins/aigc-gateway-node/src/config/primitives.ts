import { z } from 'zod';

/**
 * A lower-case slug: the stable id of a template, pool or engine install, used in URLs and labels.
 *
 * @public
 */
export const slugSchema: z.ZodString = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'must be a lower-case slug (a-z, 0-9 and inner dashes, at most 63 characters)',
  );

/** @public */
export const versionStringSchema: z.ZodString = z
  .string()
  .regex(
    /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/,
    'must be a version string such as 1.2.0',
  );

/**
 * An IANA time zone such as Europe/Berlin, as the runtime's Intl knows it.
 *
 * @public
 */
export const timeZoneSchema: z.ZodType<string> = z.string().refine(
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
 * A number read from app-config. Backstage substitutes `${VAR}` as a string
 * (and its own `config.getNumber` reads numeric strings), so a port or a
 * price set from the environment is accepted as the number it spells.
 *
 * @public
 */
export function configNumber<T extends z.ZodNumber>(
  schema: T,
): z.ZodEffects<T, z.output<T>, unknown> {
  return z.preprocess(
    value =>
      typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : value,
    schema,
  );
}
