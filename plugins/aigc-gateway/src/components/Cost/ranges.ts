/** A report's range: [from, to) as ISO times, and the same-length period just before it. */
export interface CostPeriod {
  label: string;
  from: string;
  to: string;
  previous: { from: string; to: string };
}

export type PeriodPreset =
  | 'this-month'
  | 'last-month'
  | 'last-30-days'
  | 'last-90-days';

export const periodPresets: Array<{ value: PeriodPreset; label: string }> = [
  { value: 'this-month', label: 'This month' },
  { value: 'last-month', label: 'Last month' },
  { value: 'last-30-days', label: 'Last 30 days' },
  { value: 'last-90-days', label: 'Last 90 days' },
];

const DAY = 86_400_000;

/** Months follow the browser's calendar; the server counts the seconds. */
export function periodOf(preset: PeriodPreset, now = new Date()): CostPeriod {
  const label = periodPresets.find(p => p.value === preset)!.label;
  const monthStart = (year: number, month: number) => new Date(year, month, 1);
  let from: Date;
  let to: Date;
  let previousFrom: Date;
  if (preset === 'this-month' || preset === 'last-month') {
    const back = preset === 'this-month' ? 0 : 1;
    from = monthStart(now.getFullYear(), now.getMonth() - back);
    to =
      preset === 'this-month'
        ? now
        : monthStart(now.getFullYear(), now.getMonth());
    previousFrom = monthStart(now.getFullYear(), now.getMonth() - back - 1);
    // "This month" compares with the same number of days of last month.
    const previousTo =
      preset === 'this-month'
        ? new Date(previousFrom.getTime() + (to.getTime() - from.getTime()))
        : from;
    return {
      label,
      from: from.toISOString(),
      to: to.toISOString(),
      previous: {
        from: previousFrom.toISOString(),
        to: previousTo.toISOString(),
      },
    };
  }
  const days = preset === 'last-30-days' ? 30 : 90;
  to = now;
  from = new Date(now.getTime() - days * DAY);
  previousFrom = new Date(from.getTime() - days * DAY);
  return {
    label,
    from: from.toISOString(),
    to: to.toISOString(),
    previous: { from: previousFrom.toISOString(), to: from.toISOString() },
  };
}
