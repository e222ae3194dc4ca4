import { InputError } from '@backstage/errors';
import { formatZodError } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { z } from 'zod';

/** Validates request input at the edge: a 400 naming each bad field. */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  where: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      `invalid ${where}: ${formatZodError(result.error, where)}`,
    );
  }
  return result.data;
}
