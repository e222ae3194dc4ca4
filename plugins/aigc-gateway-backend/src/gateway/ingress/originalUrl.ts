import { IncomingHttpHeaders } from 'node:http';
import { InputError } from '@backstage/errors';

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? undefined : value;
};

/**
 * The URL the browser asked the ingress controller for, from the headers of
 * its auth subrequest: ingress-nginx sends `X-Original-URL`; Traefik and
 * others send `X-Forwarded-Proto`, `-Host` and `-Uri`. The URL is parsed as
 * a whole, so its host is the host, never a part of the path or query.
 */
export function originalUrl(headers: IncomingHttpHeaders): URL {
  const original = header(headers, 'x-original-url');
  const forwardedHost = header(headers, 'x-forwarded-host');
  const text =
    original ??
    (forwardedHost &&
      `${header(headers, 'x-forwarded-proto') ?? 'https'}://${forwardedHost}${
        header(headers, 'x-forwarded-uri') ?? '/'
      }`);
  if (!text) {
    throw new InputError(
      'a forward-auth request names the URL it is for in X-Original-URL or X-Forwarded-Host',
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(
      `the forwarded URL ${JSON.stringify(text)} is not a URL`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      `the forwarded URL ${JSON.stringify(text)} is not an http(s) URL`,
    );
  }
  return url;
}
