/** Money with its currency, e.g. "12.40 USD"; small amounts keep two significant digits ("0.00031 USD"). */
export function money(amount: number, currency: string) {
  const digits =
    amount > 0 && amount < 0.01 ? amount.toPrecision(2) : amount.toFixed(2);
  return `${digits} ${currency}`;
}

/** Hours with one decimal ("3.5 h"); under six minutes in minutes or seconds. */
export function hours(value: number) {
  if (value === 0 || value >= 0.1) return `${value.toFixed(1)} h`;
  const seconds = value * 3600;
  return seconds < 60
    ? `${Math.round(seconds)} s`
    : `${Math.round(seconds / 60)} min`;
}

/** The change from `before` to `now` in percent, or undefined when there was nothing before. */
export function change(now: number, before: number): number | undefined {
  return before > 0 ? ((now - before) / before) * 100 : undefined;
}
