/** Replaces `${port}`, `${dataDir}`, `${instanceId}`, `${version}` and `${node}` in a runtime spec value. */
export function substitute(
  value: string,
  vars: Record<string, string>,
): string {
  return value.replace(/\$\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? vars[name] : whole,
  );
}
