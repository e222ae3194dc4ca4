import { DateTime } from 'luxon';

/**
 * Days and months in the cost time zone. Daily series and monthly budgets
 * follow the company's calendar, not UTC: a day in Europe/Berlin is 23 or 25
 * hours long when the clocks change.
 */
export class CostCalendar {
  constructor(readonly timeZone: string) {}

  /** `2026-11-01` is the start of that day here; anything else is an ISO time with offset. */
  parse(value: string): Date {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      return DateTime.fromISO(value, { zone: this.timeZone })
        .startOf('day')
        .toJSDate();
    }
    return new Date(value);
  }

  startOfMonth(at: Date): Date {
    return this.at(at).startOf('month').toJSDate();
  }

  /** `YYYY-MM` of the month `at` falls in. */
  month(at: Date): string {
    return this.at(at).toFormat('yyyy-MM');
  }

  /** The days that [from, to) touches, each clipped to the range. */
  days(from: Date, to: Date): Array<{ day: string; from: Date; to: Date }> {
    const days = [];
    for (
      let start = this.at(from).startOf('day');
      start.toMillis() < to.getTime();
      start = start.plus({ days: 1 })
    ) {
      const end = start.plus({ days: 1 });
      days.push({
        day: start.toISODate()!,
        from: new Date(Math.max(start.toMillis(), from.getTime())),
        to: new Date(Math.min(end.toMillis(), to.getTime())),
      });
    }
    return days;
  }

  private at(date: Date) {
    return DateTime.fromJSDate(date, { zone: this.timeZone });
  }
}
