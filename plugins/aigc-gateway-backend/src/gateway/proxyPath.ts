import { InputError } from '@backstage/errors';

/**
 * The engine-relative path of a proxied request: what follows
 * `/instances/:id/proxy`. Dot segments and encoded slashes or dots are refused,
 * so no request reaches outside the engine's own root.
 */
export function engineRelativePath(
  originalUrl: string,
  instanceId: string,
): string {
  const marker = `/instances/${instanceId}/proxy`;
  const at = originalUrl.indexOf(marker);
  if (at < 0) throw new InputError('not a proxy path');
  let rest = originalUrl.slice(at + marker.length) || '/';
  // A query right after the prefix is the engine's root with that query.
  if (rest.startsWith('?')) rest = `/${rest}`;
  const [path] = rest.split('?', 1);
  if (!path.startsWith('/')) throw new InputError('not a proxy path');
  if (
    /%2f|%5c|%2e|\\/i.test(path) ||
    path.split('/').some(s => s === '..' || s === '.')
  ) {
    throw new InputError(
      'proxy paths may not contain dot segments or encoded slashes',
    );
  }
  try {
    decodeURIComponent(path);
  } catch {
    throw new InputError('the proxy path has a malformed percent-encoding');
  }
  return rest;
}
