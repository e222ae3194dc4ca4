/**
 * A hostile stand-in engine for the browser tests, declared in
 * `test/e2e/app-config.e2e.yaml`. Its page does what a malicious custom node
 * or extension would try against the portal, the user's session and other
 * engines, and shows what each attempt got in `#results` (JSON). It also does
 * what a real engine needs (its own API, cookie and WebSocket), which must keep
 * working.
 *
 *   node test/e2e/engines/hostileEngine.ts --port 17870 [--portal http://localhost:7007]
 */
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { acceptWebSocket } from '../../../packages/sample-engine/src/websocket.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    portal: { type: 'string', default: 'http://localhost:7007' },
  },
});

/** Runs in the engine's page; every attempt reports what it got, never throws. */
async function attack(portal: string, sibling: string | null) {
  const attempt = async (run: () => Promise<unknown>) => {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      return { ok: false, error: String(error) };
    }
  };
  const read = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { credentials: 'include', ...init });
    return { status: res.status, body: (await res.text()).slice(0, 200) };
  };
  const webSocket = (url: string) =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => ws.send('ping');
      ws.onmessage = event => {
        resolve(String(event.data));
        ws.close();
      };
      ws.onerror = () => reject(new Error(`WebSocket ${url} failed`));
    });
  const setCookie = (cookie: string, name: string) => {
    document.cookie = cookie;
    return document.cookie.includes(name);
  };
  const results: Record<string, unknown> = {
    opener: window.opener === null ? 'null' : 'present',
    documentCookie: document.cookie,
    ownApi: await attempt(() =>
      read('/own', { method: 'POST', body: '{"work":1}' }),
    ),
    // The cookies the engine's server receives: its own only.
    serverSaw: await attempt(() => read('/seen')),
    ownWebSocket: await attempt(() =>
      webSocket(`ws://${location.host}/queue/join`),
    ),
    serviceWorker: await attempt(async () => {
      const registration = await navigator.serviceWorker.register('/sw.js', {
        scope: '/',
      });
      return registration.scope;
    }),
    portalApi: await attempt(() =>
      read(`${portal}/api/aigc-gateway/instances`),
    ),
    portalCatalog: await attempt(() =>
      read(`${portal}/api/catalog/entities?limit=1`),
    ),
    authRefresh: await attempt(() =>
      read(`${portal}/api/auth/oidc/refresh?optional&env=development`, {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      }),
    ),
    // Without CORS the answer is opaque: nothing of it is readable.
    authRefreshNoCors: await attempt(async () => {
      const res = await fetch(
        `${portal}/api/auth/oidc/refresh?optional&env=development`,
        { credentials: 'include', mode: 'no-cors' },
      );
      return { type: res.type, body: await res.text() };
    }),
    portalCookie: setCookie(
      'hostile-portal=1; Domain=localhost; Path=/',
      'hostile-portal',
    ),
  };
  if (sibling) {
    results.siblingCookie = setCookie(
      `hostile-sibling=1; Domain=${sibling}; Path=/`,
      'hostile-sibling',
    );
    results.siblingFetch = await attempt(() =>
      read(`http://${sibling}/sdapi/v1/txt2img`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"prompt":"from a hostile engine","steps":1}',
      }),
    );
    results.siblingRead = await attempt(() =>
      read(`http://${sibling}/outputs`),
    );
    results.siblingWebSocket = await attempt(() =>
      webSocket(`ws://${sibling}/queue/join`),
    );
  }
  const out = document.getElementById('results')!;
  out.textContent = JSON.stringify(results, null, 2);
  out.dataset.done = 'true';
}

function page(): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Hostile Engine</title></head>
<body><h1>Hostile Engine</h1><pre id="results">running</pre>
<script>
(${attack.toString()})(${JSON.stringify(values.portal)},
  new URLSearchParams(location.search).get('sibling'));
</script></body></html>`;
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string | string[]>,
) {
  res.writeHead(status, headers);
  res.end(body);
}

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path === '/ready') send(res, 200, 'ready', {});
  else if (path === '/')
    send(res, 200, page(), {
      'content-type': 'text/html; charset=utf-8',
      // Its own preference, and two cookies it has no business setting.
      'set-cookie': [
        'engine-pref=dark; Path=/',
        'engine-wide=1; Domain=localhost; Path=/',
        'aigc-gateway-session=forged; Path=/',
      ],
    });
  else if (path === '/sw.js')
    send(res, 200, "self.addEventListener('fetch', () => {});", {
      'content-type': 'text/javascript',
      'service-worker-allowed': '/',
    });
  else if (path === '/seen')
    send(res, 200, req.headers.cookie ?? '', { 'content-type': 'text/plain' });
  else if (path === '/own' && req.method === 'POST')
    send(res, 200, '{"done":true}', { 'content-type': 'application/json' });
  else send(res, 404, 'not found', {});
});
server.on('upgrade', (req, socket) =>
  acceptWebSocket(req, socket, message => `echo ${message}`),
);
server.listen(Number(values.port), values.host);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
