import { change, hours, money } from './format';

describe('cost formats', () => {
  it('keeps small amounts and short times readable', () => {
    expect(money(12.4, 'USD')).toBe('12.40 USD');
    expect(money(0, 'USD')).toBe('0.00 USD');
    expect(money(0.000312, 'EUR')).toBe('0.00031 EUR');
    expect(hours(3.46)).toBe('3.5 h');
    expect(hours(0)).toBe('0.0 h');
    expect(hours(0.05)).toBe('3 min');
    expect(hours(5 / 3600)).toBe('5 s');
    expect(change(15, 10)).toBe(50);
    expect(change(3, 0)).toBeUndefined();
  });
});
