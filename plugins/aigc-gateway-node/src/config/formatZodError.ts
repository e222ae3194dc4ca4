import { z } from 'zod';

/**
 * One line per problem, each naming the full key path, e.g.
 * `aigcGateway.templates[0].versions[1].status: Invalid enum value …`.
 *
 * @public
 */
export function formatZodError(error: z.ZodError, root: string): string {
  return error.issues
    .map(issue => {
      const path = issue.path.reduce<string>(
        (acc, part) =>
          typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${part}`,
        root,
      );
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
