import { DateTime } from 'luxon';
import { ReleaseWindow } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

const dayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const minutesOf = (clock: string) => {
  const [h, m] = clock.split(':').map(Number);
  return h * 60 + m;
};

/** The window `at` falls in, in the given time zone, if any. */
export function activeWindow(
  windows: ReleaseWindow[],
  at: Date,
  timeZone: string,
): ReleaseWindow | undefined {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const now = local.hour * 60 + local.minute;
  const today = dayNames[local.weekday - 1];
  const yesterday = dayNames[(local.weekday + 5) % 7];
  return windows.find(w => {
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    if (from <= to) return w.days.includes(today) && now >= from && now < to;
    // Runs past midnight: the evening of a listed day, or the morning after one.
    return (
      (w.days.includes(today) && now >= from) ||
      (w.days.includes(yesterday) && now < to)
    );
  });
}

export function describeWindow(w: ReleaseWindow): string {
  const days = w.days.map(d => d[0].toUpperCase() + d.slice(1)).join(', ');
  return w.from === '00:00' && w.to === '24:00'
    ? `${days}, all day`
    : `${days} ${w.from}–${w.to}`;
}
