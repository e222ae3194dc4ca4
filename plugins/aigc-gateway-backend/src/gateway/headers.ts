import http from 'node:http';

/** Portal credentials and hop-by-hop headers never reach an engine. */
const STRIPPED = new Set([
  'cookie',
  'authorization',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
]);

/**
 * Who a client says it is or where it came from: an engine that trusted
 * these (as engines behind ingress-nginx trust X-Auth-Request-User) would
 * take a client's word for it. Never forwarded, on requests or upgrades.
 */
export function claimsIdentity(name: string): boolean {
  return (
    name === 'forwarded' ||
    name === 'x-real-ip' ||
    name.startsWith('x-forwarded-') ||
    name.startsWith('x-auth-request-')
  );
}

export function forwardHeaders(
  headers: http.IncomingHttpHeaders,
): http.OutgoingHttpHeaders {
  // Headers the sender named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map(name => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (
      value !== undefined &&
      !STRIPPED.has(name) &&
      !named.has(name) &&
      !claimsIdentity(name)
    )
      out[name] = value;
  }
  return out;
}

/**
 * An engine's answer on the path-form proxy, which shares the portal's
 * origin: it may set no cookie there and widen no service worker's scope,
 * and its pages send no referrer.
 */
export function pathResponseHeaders(
  headers: http.IncomingHttpHeaders,
): http.OutgoingHttpHeaders {
  const out = forwardHeaders(headers);
  delete out['set-cookie'];
  delete out['service-worker-allowed'];
  out['referrer-policy'] = 'no-referrer';
  return out;
}
