import { request } from 'node:http';

/**
 * Signs `auth`'s user in to the instance's own origin as a browser does (the
 * portal's cookie, the sign-in's ticket, the session cookie it becomes) and
 * returns the engine listener's loopback URL with the headers a browser sends.
 */
export async function engineOriginSession(
  baseUrl: string,
  instanceId: string,
  auth: Record<string, string>,
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
    request(
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
    url: `http://127.0.0.1:${ticketUrl.port}/bench/2k`,
    // As `Host`, which wrk puts in place of its own (a second Host would be sent first).
    headers: { Host: ticketUrl.host, cookie: session },
  };
}
