/** Replaces `${port}`, `${dataDir}`, `${instanceId}` and `${version}`, as the local runtime does. */
export function substitute(
  value: string,
  vars: Record<string, string>,
): string {
  return value.replace(/\$\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? vars[name] : whole,
  );
}
