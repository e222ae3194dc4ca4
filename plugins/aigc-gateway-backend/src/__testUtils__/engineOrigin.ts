import http from 'node:http';
import request from 'supertest';

/** An answer of the engine listener. */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request to the gateway's engine listener for `url`, sent to loopback with the URL's host. */
export function atEngine(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    /** The request target as sent, instead of the URL's path. */
    requestTarget?: string;
  },
) {
  const target = new URL(url);
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: options.requestTarget ?? `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: { host: target.host, ...options.headers },
      },
      res => {
        let body = '';
        res.on('data', chunk => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Signs a portal user in to an instance's own origin as a browser does: the
 * instance's `url` (the portal's sign-in) with the user's portal cookie, the
 * ticket it hands over, and the session cookie the ticket becomes. The
 * status is the sign-in's when it gives no ticket.
 */
export async function sessionAt(
  server: any,
  instanceUrl: string,
  portalCookie: string,
): Promise<{ origin: string; session?: string; status: number }> {
  const signIn = new URL(instanceUrl);
  const origin = new URL(signIn.searchParams.get('rd')!).origin;
  const handoff = await request(server)
    .get(`${signIn.pathname}${signIn.search}`)
    .set('Cookie', portalCookie);
  if (handoff.status !== 302) return { origin, status: handoff.status };
  const redeemed = await atEngine(handoff.headers.location as string, {});
  const session = String(redeemed.headers['set-cookie']).split(';')[0];
  return { origin, session, status: redeemed.status };
}

/**
 * Signs `auth`'s user in to the instance's own origin as a browser does (the
 * portal's cookie, the sign-in's ticket, the session cookie it becomes) and
 * returns the engine listener's loopback URL with the headers a browser sends.
 */
export async function engineOriginSession(
  baseUrl: string,
  instanceId: string,
  auth: Record<string, string>,
  path = '/',
) {
  const api = `${baseUrl}/api/aigc-gateway`;
  const cookieOf = (res: Response) =>
    res.headers.getSetCookie()[0].split(';')[0];
  const portalCookie = cookieOf(
    await fetch(`${api}/cookie`, { headers: auth }),
  );
  const { url } = await (
    await fetch(`${api}/instances/${instanceId}`, { headers: auth })
  ).json();
  const ticketUrl = new URL(
    (
      await fetch(url, {
        headers: { cookie: portalCookie },
        redirect: 'manual',
      })
    ).headers.get('location')!,
  );
  // fetch() cannot set Host; the engine listener tells instances apart by it.
  const session = await new Promise<string>((resolve, reject) =>
    http
      .request(
        {
          host: '127.0.0.1',
          port: ticketUrl.port,
          path: `${ticketUrl.pathname}${ticketUrl.search}`,
          headers: { host: ticketUrl.host },
        },
        res => {
          res.resume();
          resolve(String(res.headers['set-cookie']?.[0]).split(';')[0]);
        },
      )
      .on('error', reject)
      .end(),
  );
  return {
    url: `http://127.0.0.1:${ticketUrl.port}${path}`,
    // As `Host`, which wrk puts in place of its own (a second Host would be sent first).
    headers: { Host: ticketUrl.host, cookie: session },
  };
}
