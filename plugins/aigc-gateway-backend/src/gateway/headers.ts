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

export function forwardHeaders(
  headers: http.IncomingHttpHeaders,
): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!STRIPPED.has(name) && value !== undefined) out[name] = value;
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
