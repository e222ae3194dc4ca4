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
