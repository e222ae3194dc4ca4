/**
 * Polls until `check` passes (returns without throwing), for at most `timeoutMs`.
 *
 * @public
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise(r => setTimeout(r, intervalMs));
    }
  }
}
