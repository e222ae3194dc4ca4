/** Money with its currency, e.g. "12.40 USD". */
export const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`;

/** Hours with one decimal, e.g. "3.5 h". */
export const hours = (value: number) => `${value.toFixed(1)} h`;

/** The change from `before` to `now` in percent, or undefined when there was nothing before. */
export function change(now: number, before: number): number | undefined {
  return before > 0 ? ((now - before) / before) * 100 : undefined;
}
