/** Timestamps come back as Date (PostgreSQL), number or string (SQLite). */
export function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toOptionalDate(
  value: Date | string | number | null | undefined,
): Date | undefined {
  return value === null || value === undefined ? undefined : toDate(value);
}
