/** One CSV line (RFC 4180): fields with commas, quotes or line breaks are quoted. */
export function toCsvLine(fields: Array<string | number>): string {
  return `${fields
    .map(field => {
      const text = String(field);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',')}\r\n`;
}
