import { InputError } from '@backstage/errors';
import { CostCalendar } from './calendar';

/** The longest range one report covers; longer ones are asked for in pieces. */
export const MAX_RANGE_DAYS = 366;

/**
 * The [from, to) of a cost query: by default the month so far. Days are
 * read in the cost time zone; a bad, reversed or too long range is a 400.
 */
export function costRange(
  query: { from?: string; to?: string },
  calendar: CostCalendar,
  now: Date,
) {
  const from = query.from
    ? calendar.parse(query.from)
    : calendar.startOfMonth(now);
  const to = query.to ? calendar.parse(query.to) : now;
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (Number.isNaN(value.getTime()))
      throw new InputError(
        `invalid query: ${name} "${query[name]}" is not a valid date`,
      );
  }
  if (from.getTime() >= to.getTime()) {
    throw new InputError(
      `invalid query: from (${from.toISOString()}) must be before to (${to.toISOString()})`,
    );
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw new InputError(
      `invalid query: a range may span at most ${MAX_RANGE_DAYS} days; ask for longer ones in pieces`,
    );
  }
  return { from, to };
}
