import { releaseWindowSchema } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { activeWindow, describeWindow } from './releaseWindows';

const weekdayNights = releaseWindowSchema.parse({
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '21:00',
  to: '07:00',
});
const weekends = releaseWindowSchema.parse({ days: ['sat', 'sun'] });
const windows = [weekdayNights, weekends];

describe('release windows', () => {
  it.each([
    // 2026-11-27 is a Friday.
    ['2026-11-27T20:59:00', undefined],
    ['2026-11-27T21:00:00', weekdayNights],
    ['2026-11-28T06:59:00', weekdayNights], // Saturday morning after Friday night
    ['2026-11-28T12:00:00', weekends],
    ['2026-11-30T06:00:00', undefined], // Monday morning: Sunday is no weekday night
    ['2026-11-30T12:00:00', undefined],
    ['2026-12-01T03:00:00', weekdayNights],
  ])('at %s (Europe/Berlin)', (local, expected) => {
    const at = new Date(`${local}+01:00`);
    expect(activeWindow(windows, at, 'Europe/Berlin')).toBe(expected);
  });

  it('reads the clock in the time zone given', () => {
    // 20:30 UTC is 21:30 in Berlin.
    const at = new Date('2026-11-27T20:30:00Z');
    expect(activeWindow(windows, at, 'UTC')).toBeUndefined();
    expect(activeWindow(windows, at, 'Europe/Berlin')).toBe(weekdayNights);
  });

  it('describes a window for people', () => {
    expect(describeWindow(weekdayNights)).toBe(
      'Mon, Tue, Wed, Thu, Fri 21:00–07:00',
    );
    expect(describeWindow(weekends)).toBe('Sat, Sun, all day');
  });
});
