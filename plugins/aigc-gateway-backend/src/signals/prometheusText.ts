/**
 * The samples of a Prometheus text exposition, summed per metric name over
 * their label sets (`vllm:num_requests_running{model_name="…"} 2`). Comment
 * lines and lines that do not parse are skipped.
 */
export function prometheusSums(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    sums.set(match[1], (sums.get(match[1]) ?? 0) + value);
  }
  return sums;
}
