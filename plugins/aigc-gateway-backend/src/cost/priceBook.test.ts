import { instancePricePerHour, priceAt } from './priceBook';

describe('priceAt', () => {
  const pool = {
    pricePerHour: 2,
    gpusPerInstance: 0.25,
    priceChanges: [
      { from: '2026-12-15T00:00:00+01:00', pricePerHour: 4 },
      { from: '2026-12-01T00:00:00Z', pricePerHour: 3 },
    ],
  };

  it('is the base price before any change, then the latest change in effect', () => {
    expect(priceAt(pool, new Date('2026-11-30T23:59:59Z'))).toBe(2);
    expect(priceAt(pool, new Date('2026-12-01T00:00:00Z'))).toBe(3);
    expect(priceAt(pool, new Date('2026-12-14T22:59:59Z'))).toBe(3);
    expect(priceAt(pool, new Date('2026-12-14T23:00:00Z'))).toBe(4);
  });

  it('charges a shared-GPU instance its fraction', () => {
    expect(instancePricePerHour(pool, new Date('2026-12-20T00:00:00Z'))).toBe(
      1,
    );
  });
});
