import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, IncomingMessage } from 'node:http';
import {
  AddressInfo,
  connect,
  createServer as createTcpServer,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { NetworkingV1Api, V1Ingress } from '@kubernetes/client-node';
import { createUserTokenIssuer } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { ownersOnlyPolicy } from '@aigc-gateway/backstage-plugin-aigc-gateway-backend/testUtils';
import request from 'supertest';
import { kubeConfigFromFile } from './cluster/kubeConfigFromFile';
import { eventually } from './__testUtils__/events';
import { startGatewayOnCluster } from './__testUtils__/gatewayOnCluster';
import { poolCounted, portalUsers } from './__testUtils__/portalUsers';
import { startSampleEngine } from './__testUtils__/sampleEngine';
import {
  describeWithCluster,
  startTestCluster,
  TestCluster,
} from './__testUtils__/testCluster';

/**
 * The gateway's Ingress forward-auth behind a real nginx (Debian's, with
 * auth_request; scripts/lib/nginx.sh installs it), configured from the
 * Ingresses the runtime made as ingress-nginx configures them. A stub of
 * nginx would only show what its author believed; the real one picks the
 * server (the Ingress) by the host of an absolute-form request target, yet
 * reports the Host header to the auth URL in X-Original-URL.
 */

const NAMESPACE = 'aigc-gateway-nginx-test';
const NGINX = process.env.AIGC_NGINX ?? '/usr/sbin/nginx';
/** set-misc gives `set_escape_uri`, compiled into ingress-nginx's OpenResty. */
const NGINX_MODULES =
  process.env.AIGC_NGINX_MODULES ?? '/usr/lib/nginx/modules';
const NGINX_FILES = [
  NGINX,
  join(NGINX_MODULES, 'ndk_http_module.so'),
  join(NGINX_MODULES, 'ngx_http_set_misc_module.so'),
];
const nginxMissing = NGINX_FILES.filter(file => !existsSync(file));
const NGINX_HINT = `missing ${nginxMissing.join(
  ', ',
)}: run \`source scripts/lib/nginx.sh && aigc_ensure_nginx\` (Debian packages nginx and libnginx-mod-http-set-misc)`;
// In CI the test fails without nginx (in beforeAll); locally it may skip, saying why.
const skipLocally = nginxMissing.length > 0 && !process.env.CI;
if (skipLocally) {
  process.stderr.write(
    `skipping ${expect.getState().testPath}: ${NGINX_HINT}\n`,
  );
}
const describeWithNginx = skipLocally ? describe.skip : describeWithCluster;

/** A port free on 127.0.0.1 a moment ago, for nginx to listen on. */
async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * An instance's engine: kwok runs no containers, so each Ingress's Service
 * is a server here that answers with its instance and the user nginx passed
 * on, and counts what reached it.
 */
async function startUpstream(instance: string) {
  const seen: Array<{ url?: string; user?: string }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    const user = req.headers['x-auth-request-user'] as string | undefined;
    seen.push({ url: req.url, user });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ instance, user, url: req.url }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}

/** A value put into nginx.conf, which must not end a string or name a variable. */
function confValue(value: string): string {
  if (!/^[A-Za-z0-9._~:/?&=%@+,-]+$/.test(value))
    throw new Error(`refusing ${JSON.stringify(value)} in nginx.conf`);
  return value;
}

/** ingress-nginx's buildAuthSignURL: the sign-in URL with `rd` back to the request. */
function authSignUrl(signIn: string): string {
  const url = new URL(signIn);
  if (url.searchParams.get('rd')) return signIn;
  const rd = 'rd=$pass_access_scheme://$http_host$escaped_request_uri';
  return `${signIn}${url.search ? '&' : '?'}${rd}`;
}

/**
 * One Ingress as ingress-nginx renders it (rootfs/etc/nginx/template/nginx.tmpl
 * of controller v1.15.1, with internal/ingress/controller/template/template.go):
 * per rule host a `server`, per path the auth location
 * (`location = /_external-auth-<base64url path>-<pathType>`, buildAuthLocation),
 * the sign-in location (`location @<sha1 of path and auth-signin>`,
 * buildAuthSignURLLocation, returning 302 to buildAuthSignURL) and the
 * path's location with `auth_request`, `auth_request_set $auth_cookie
 * $upstream_http_set_cookie`, `add_header Set-Cookie $auth_cookie`, the
 * auth-response-headers as `auth_request_set $authHeaderN` (buildAuthResponseHeaders)
 * and `error_page 401`. Mirrored minimally: no TLS, no Lua balancer (the
 * path proxies straight to the instance's stand-in), no auth cache, no
 * keepalive to the auth URL (auth-keepalive is 0, so the template uses
 * auth_request), no other annotations. The auth URL's host becomes the test
 * gateway's `gatewayOrigin`; its path and query stay exactly as they are.
 */
function ingressServer(
  ingress: V1Ingress,
  listen: number,
  gatewayOrigin: string,
  upstreamPort: number,
): string {
  const annotations = ingress.metadata?.annotations ?? {};
  const authUrl = annotations['nginx.ingress.kubernetes.io/auth-url'];
  const signIn = annotations['nginx.ingress.kubernetes.io/auth-signin'];
  const responseHeaders = (
    annotations['nginx.ingress.kubernetes.io/auth-response-headers'] ?? ''
  )
    .split(',')
    .map(h => h.trim())
    .filter(Boolean);
  const auth = new URL(authUrl);
  if (!authUrl.startsWith(auth.origin))
    throw new Error(`auth-url ${authUrl} does not start with its origin`);
  const target = gatewayOrigin + authUrl.slice(auth.origin.length);
  const rule = ingress.spec!.rules![0];
  const path = rule.http!.paths[0];
  const authPath = `/_external-auth-${Buffer.from(path.path!).toString(
    'base64url',
  )}-${path.pathType}`;
  const signInLocation = `@${createHash('sha1')
    .update(path.path!)
    .update(signIn)
    .digest('hex')}`;
  return `
  server {
    server_name ${confValue(rule.host!)};
    listen 127.0.0.1:${listen};

    location = ${authPath} {
      internal;
      proxy_intercept_errors off;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-Proto "";
      proxy_set_header Host ${confValue(auth.hostname)};
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Sent-From "nginx-ingress-controller";
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Auth-Request-Redirect $request_uri;
      proxy_ssl_server_name on;
      proxy_pass_request_headers on;
      proxy_http_version 1.1;
      set $target "${confValue(target)}";
      proxy_pass $target;
    }

    location ${signInLocation} {
      internal;
      add_header Set-Cookie $auth_cookie;
      return 302 ${authSignUrl(confValue(signIn))};
    }

    location ${confValue(path.path!)} {
      auth_request ${authPath};
      auth_request_set $auth_cookie $upstream_http_set_cookie;
      add_header Set-Cookie $auth_cookie;
${responseHeaders
  .map(
    (header, i) =>
      `      auth_request_set $authHeader${i} $upstream_http_${confValue(
        header.toLowerCase().replace(/-/g, '_'),
      )};\n      proxy_set_header '${header}' $authHeader${i};`,
  )
  .join('\n')}
      set_escape_uri $escaped_request_uri $request_uri;
      error_page 401 = ${signInLocation};
      proxy_set_header Host $best_http_host;
      proxy_pass http://127.0.0.1:${upstreamPort};
    }
  }
`;
}

/**
 * nginx.conf for the Ingresses: the template's maps and default server
 * (which answers 404 to unknown hosts), with every file nginx writes inside
 * `prefix`, so it runs as any user and leaves nothing behind.
 */
function nginxConf(prefix: string, port: number, servers: string[]): string {
  return `
load_module ${NGINX_MODULES}/ndk_http_module.so;
load_module ${NGINX_MODULES}/ngx_http_set_misc_module.so;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log info;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log ${prefix}/access.log;
  client_body_temp_path ${prefix}/client-body;
  proxy_temp_path ${prefix}/proxy-temp;
  fastcgi_temp_path ${prefix}/fastcgi-temp;
  uwsgi_temp_path ${prefix}/uwsgi-temp;
  scgi_temp_path ${prefix}/scgi-temp;
  server_names_hash_bucket_size 128;

  map '' $pass_access_scheme { default $scheme; }
  map $http_host $best_http_host { default $http_host; '' $host; }

  server {
    listen 127.0.0.1:${port} default_server;
    server_name _;
    location / { return 404; }
  }
${servers.join('')}
}
`;
}

/** Resolves once something listens on 127.0.0.1:`port`. */
function connectOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Runs nginx with `servers` on `port` until stopped; fails with its error log when it does not start. */
async function startNginx(port: number, servers: string[]) {
  const prefix = mkdtempSync(join(tmpdir(), 'aigc-nginx-'));
  // Run as root, nginx's workers are nobody and must still reach the temp folders.
  chmodSync(prefix, 0o755);
  writeFileSync(join(prefix, 'nginx.conf'), nginxConf(prefix, port, servers));
  const errorLog = () => {
    try {
      return readFileSync(join(prefix, 'error.log'), 'utf8');
    } catch {
      return '(no error.log)';
    }
  };
  const child: ChildProcess = spawn(
    NGINX,
    [
      '-p',
      prefix,
      '-e',
      join(prefix, 'error.log'),
      '-c',
      join(prefix, 'nginx.conf'),
      '-g',
      'daemon off;',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', chunk => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  // An nginx that rejects its configuration exits at once; that is the error to show.
  const early = exited.then(
    code => new Error(`nginx exited with ${code}: ${stderr}\n${errorLog()}`),
  );
  const failure = await Promise.race([
    eventually(() => connectOnce(port), 10_000).then(() => undefined),
    early,
  ]);
  if (failure) throw failure;
  return {
    port,
    errorLog,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        await exited;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

interface RawResponse {
  status: number;
  headers: Record<string, string[]>;
  body: string;
}

/** A chunked body joined. */
function dechunk(body: string): string {
  let rest = body;
  let out = '';
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

/**
 * One request as written, over a plain socket: no HTTP client rewrites an
 * absolute-form target or a Host header that does not match it.
 */
function rawRequest(
  port: number,
  target: string,
  headers: Record<string, string>,
): Promise<RawResponse> {
  const lines = [
    `GET ${target} HTTP/1.1`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`${lines.join('\r\n')}\r\n\r\n`),
    );
    const chunks: Buffer[] = [];
    socket.on('data', chunk => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n');
      const parsed: Record<string, string[]> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        (parsed[name] ??= []).push(line.slice(colon + 1).trim());
      }
      const body = text.slice(split + 4);
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers: parsed,
        body: parsed['transfer-encoding']?.includes('chunked')
          ? dechunk(body)
          : body,
      });
    });
  });
}

/** Which instance's engine answered, if one did. */
function engineOf(res: RawResponse): { instance?: string; user?: string } {
  if (!res.headers['content-type']?.[0]?.startsWith('application/json'))
    return {};
  const { instance, user } = JSON.parse(res.body);
  return { instance, user };
}

describeWithNginx(
  'Ingress forward-auth behind nginx configured as ingress-nginx',
  () => {
    let cluster: TestCluster;
    let engine: { port: number; stop(): Promise<void> };
    let gateway: Awaited<ReturnType<typeof startGatewayOnCluster>>;
    let users: ReturnType<typeof portalUsers>;
    let nginx: Awaited<ReturnType<typeof startNginx>>;
    const upstreams = new Map<
      string,
      Awaited<ReturnType<typeof startUpstream>>
    >();
    let hostA: string;
    let hostB: string;
    let aliceId: string;
    let bobId: string;

    /** Through nginx, as a browser at `host` sends it. */
    const viaNginx = (host: string, path: string, cookie?: string) =>
      rawRequest(nginx.port, path, {
        Host: host,
        ...(cookie ? { Cookie: cookie } : {}),
      });

    /**
     * What a browser does for `user` at `host` without a session: nginx
     * sends it to the sign-in, the portal's sign-in back with a ticket, and
     * nginx's answer to that carries the session cookie the gateway set.
     */
    const signInThroughNginx = async (
      user: string,
      host: string,
      path: string,
    ) => {
      const first = await viaNginx(host, path);
      const signIn = new URL(first.headers.location?.[0] ?? '');
      const back = await request(gateway.server)
        .get(signIn.pathname + signIn.search)
        .set('Cookie', await users.portalCookie(user));
      // The gateway's reason shows when the sign-in does not redirect.
      expect({ status: back.status, body: back.body }).toMatchObject({
        status: 302,
      });
      const ticketUrl = new URL(back.headers.location);
      const withTicket = await viaNginx(
        ticketUrl.host,
        ticketUrl.pathname + ticketUrl.search,
      );
      return {
        first,
        signIn,
        ticketUrl,
        withTicket,
        session: (withTicket.headers['set-cookie']?.[0] ?? '').split(';')[0],
      };
    };

    beforeAll(async () => {
      if (nginxMissing.length > 0) throw new Error(NGINX_HINT);
      cluster = startTestCluster('aigc-k8s-nginx-test');
      engine = await startSampleEngine();
      const issuer = await createUserTokenIssuer();
      gateway = await startGatewayOnCluster({
        kubeconfig: cluster.kubeconfig,
        namespace: NAMESPACE,
        enginePort: engine.port,
        features: [
          ...issuer.features,
          mockServices.permissions.mock(ownersOnlyPolicy).factory,
        ],
        ingress: {
          host: '${instanceId}.engines.test',
          // nginx here serves plain HTTP, so the hosts are http URLs (no TLS redirect).
          scheme: 'http',
          className: 'nginx',
          authUrl:
            'http://backstage.backstage.svc:7007/api/aigc-gateway/forward-auth',
          signInUrl: 'https://portal.test/api/aigc-gateway/ingress/sign-in',
        },
      });
      users = portalUsers(gateway.server, user => issuer.sign(user));
      await poolCounted(gateway.server, await users.authorization('alice'));
      aliceId = (await users.launch('alice', 'nginx-alice')).id;
      bobId = (await users.launch('bob', 'nginx-bob')).id;
      hostA = `${aliceId}.engines.test`;
      hostB = `${bobId}.engines.test`;

      // The Ingresses as the API server stored them are what nginx is configured from.
      const networking = kubeConfigFromFile(cluster.kubeconfig).makeApiClient(
        NetworkingV1Api,
      );
      const gatewayOrigin = `http://127.0.0.1:${
        (gateway.server.address() as AddressInfo).port
      }`;
      const port = await freePort();
      const servers: string[] = [];
      for (const id of [aliceId, bobId]) {
        const upstream = await startUpstream(id);
        upstreams.set(id, upstream);
        const ingress = await networking.readNamespacedIngress({
          name: `aigc-${id}`,
          namespace: NAMESPACE,
        });
        servers.push(
          ingressServer(ingress, port, gatewayOrigin, upstream.port),
        );
      }
      nginx = await startNginx(port, servers);
    }, 30 * 60_000);

    afterAll(async () => {
      await nginx?.stop();
      for (const upstream of upstreams.values()) await upstream.stop();
      await gateway?.stop();
      await engine?.stop();
      cluster?.stop();
    }, 60_000);

    it('sends a browser without a session to the sign-in, then lets the owner into her engine with the ticket and the session cookie nginx passes on', async () => {
      const path = '/sdapi/v1/options';
      const { first, signIn, ticketUrl, withTicket, session } =
        await signInThroughNginx('alice', hostA, path);
      // The 401 of forward-auth becomes ingress-nginx's 302 to auth-signin with rd.
      expect(first.status).toBe(302);
      expect(first.headers.location).toEqual([
        `https://portal.test/api/aigc-gateway/ingress/sign-in?rd=http://${hostA}${encodeURIComponent(
          path,
        )}`,
      ]);
      expect(signIn.searchParams.get('rd')).toBe(`http://${hostA}${path}`);
      expect({ host: ticketUrl.host, path: ticketUrl.pathname }).toEqual({
        host: hostA,
        path,
      });
      // The ticket redeemed: alice's engine answers and the cookie reaches the browser.
      expect({
        status: withTicket.status,
        engine: engineOf(withTicket),
      }).toEqual({
        status: 200,
        engine: { instance: aliceId, user: 'user:default/alice' },
      });
      expect(session).toMatch(/^aigc-gateway-session=/);

      const again = await viaNginx(hostA, '/queue/join?x=1', session);
      expect({ status: again.status, engine: engineOf(again) }).toEqual({
        status: 200,
        engine: { instance: aliceId, user: 'user:default/alice' },
      });
      // No service worker: nginx passes the request's headers to forward-auth, which refuses its script.
      const worker = await rawRequest(nginx.port, '/sw.js', {
        Host: hostA,
        Cookie: session,
        'Service-Worker': 'script',
      });
      expect({ status: worker.status, engine: engineOf(worker) }).toEqual({
        status: 403,
        engine: {},
      });
      // The ticket works once, through nginx as well.
      const replay = await viaNginx(
        hostA,
        ticketUrl.pathname + ticketUrl.search,
      );
      expect(replay.status).toBe(302);
      expect(upstreams.get(bobId)!.seen).toEqual([]);
    }, 60_000);

    it("refuses a request routed to bob's Ingress by an absolute-form target with alice's Host header and session", async () => {
      const { session } = await signInThroughNginx('alice', hostA, '/');
      const bobs = await signInThroughNginx('bob', hostB, '/');
      // bob's Ingress reaches bob's engine, so the refusal below is the check, not a dead route.
      expect(engineOf(bobs.withTicket)).toEqual({
        instance: bobId,
        user: 'user:default/bob',
      });
      const bobSeen = upstreams.get(bobId)!.seen.length;

      // nginx picks alice's server by the request line's host: her own request in absolute form passes.
      const own = await rawRequest(nginx.port, `http://${hostA}/queue/join`, {
        Host: hostA,
        Cookie: session,
      });
      expect({ status: own.status, engine: engineOf(own) }).toEqual({
        status: 200,
        engine: { instance: aliceId, user: 'user:default/alice' },
      });

      // Routed to bob's Ingress by the request line, while the auth URL hears alice's Host header.
      const attack = await rawRequest(
        nginx.port,
        `http://${hostB}/queue/join`,
        {
          Host: hostA,
          Cookie: session,
        },
      );
      expect({ status: attack.status, engine: engineOf(attack) }).toEqual({
        status: 403,
        engine: {},
      });
      expect(upstreams.get(bobId)!.seen.length).toBe(bobSeen);
    }, 60_000);
  },
);
