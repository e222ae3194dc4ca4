/**
 * Proxy throughput and latency on loopback, side by side in one run:
 * the sample engine directly; through the gateway at the engine's own origin
 * (the session cookie a browser holds) and on the path form (verifying a
 * real user token); through configurable-http-proxy (JupyterHub's proxy) as
 * the anchor; and through a bare node:http keep-alive proxy, the reference
 * for what the gateway's own checks cost.
 *
 *   yarn bench:proxy            (prints a table; not run in CI)
 *   BENCH_ROUNDS=5 yarn bench:proxy   (medians over 5 rounds; 3 by default)
 */
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { compare, hasWrk, printTable, runBench, waitFor } from './load';
import { sampleGatewayConfig } from '../../plugins/aigc-gateway-backend/src/__testUtils__/gateway';
import { createUserTokenIssuer } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { startGatewayProcess } from '../../plugins/aigc-gateway-backend/src/__testUtils__/startGatewayProcess';
import { engineOriginSession } from '../../plugins/aigc-gateway-backend/src/__testUtils__/engineOrigin';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

const clock = new TestClock();

const repo = resolve(__dirname, '../..');
/** A bare node:http keep-alive proxy to the engine on port 18800, listening on 18892. */
const BARE_PROXY = `
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
http.createServer((req, res) => {
  const upstream = http.request({ host: '127.0.0.1', port: 18800, path: req.url, method: req.method, headers: req.headers, agent }, response => {
    res.writeHead(response.statusCode || 502, response.headers);
    response.pipe(res);
  });
  req.pipe(upstream);
}).listen(18892, '127.0.0.1');
`;
const children: ChildProcess[] = [];

/**
 * With two or more cores and taskset, each proxy under test gets core 0 to
 * itself while the engine and the load generator share core 1, so the
 * proxies are compared on equal terms and the scheduler adds less noise.
 */
const pinned = (() => {
  try {
    return (
      cpus().length >= 2 &&
      execFileSync('taskset', ['-p', String(process.pid)]).length > 0
    );
  } catch {
    return false;
  }
})();

function pin(pid: number | undefined, core: number) {
  if (pinned && pid)
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], {
      stdio: 'ignore',
    });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'aigc-bench-'));
  // Real ES256 user tokens, verified by Backstage's own auth services.
  const issuer = await createUserTokenIssuer();
  const gateway = await startGatewayProcess({
    db: join(dir, 'gateway.sqlite'),
    clock,
    config: sampleGatewayConfig({
      dataRoot: join(dir, 'engines'),
      ports: { from: 18800, to: 18809 },
      // The engine on a host port, so every proxy reaches the same engine the
      // same way; a sandboxed engine is reached through its socket instead.
      sandbox: { mode: 'none' },
    }),
    userKey: issuer.privateJwk,
  });
  children.push(gateway.child);
  const auth = { authorization: `Bearer ${await issuer.sign('alice')}` };
  const launched = await (
    await fetch(`${gateway.baseUrl}/api/aigc-gateway/instances`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ templateId: 'sample-engine', version: '2.0.0' }),
    })
  ).json();
  const viaGateway = `${gateway.baseUrl}/api/aigc-gateway/instances/${launched.id}/proxy/bench/2k`;
  for (let i = 0; ; i++) {
    const res = await fetch(viaGateway, { headers: auth });
    if (res.status === 200) break;
    if (i > 300) throw new Error('engine did not become reachable');
    await new Promise(r => setTimeout(r, 100));
  }

  const engineOrigin = await engineOriginSession(
    gateway.baseUrl,
    launched.id,
    auth,
    '/bench/2k',
  );

  // The anchor: the engine gateway launched, behind configurable-http-proxy.
  const direct = `http://127.0.0.1:18800/bench/2k`;
  const chp = spawn(
    join(repo, 'node_modules/.bin/configurable-http-proxy'),
    [
      '--port',
      '18890',
      '--api-port',
      '18891',
      '--default-target',
      'http://127.0.0.1:18800',
      '--log-level',
      'error',
    ],
    { stdio: 'ignore' },
  );
  children.push(chp);
  const viaChp = 'http://127.0.0.1:18890/bench/2k';
  await waitFor(viaChp);

  // A bare node:http keep-alive pass-through, in a process of its own.
  const bare = spawn(process.execPath, ['-e', BARE_PROXY], { stdio: 'ignore' });
  children.push(bare);
  const viaBare = 'http://127.0.0.1:18892/bench/2k';
  await waitFor(viaBare);

  if (pinned) {
    pin(gateway.child.pid, 0);
    pin(chp.pid, 0);
    pin(bare.pid, 0);
    const engine = execFileSync('pgrep', [
      '-f',
      'sample-engine/dist/server.js --port 18800',
    ])
      .toString()
      .trim()
      .split('\n');
    for (const pid of engine) pin(Number(pid), 1);
  }
  console.log(
    `load generator: ${hasWrk ? 'wrk' : 'autocannon'}; ${
      pinned
        ? 'proxies on core 0, engine and load generator on core 1'
        : 'not pinned to cores'
    }`,
  );
  const targets: Array<[string, string, Record<string, string>]> = [
    ['direct', direct, {}],
    ['gateway, engine origin', engineOrigin.url, engineOrigin.headers],
    ['gateway, path form', viaGateway, auth],
    ['configurable-http-proxy', viaChp, {}],
    ['bare Node proxy', viaBare, {}],
  ];
  const figures = await compare(targets, {
    connections: [50, 1],
    rounds: Number(process.env.BENCH_ROUNDS ?? 3),
    core: pinned ? 1 : undefined,
  });
  printTable(figures);
  const table = [...figures].map(([name, r]) => ({
    name,
    'req/s': r.rps,
    'p50 ms': r.p50,
    'p99 ms': r.p99,
  }));
  const at = (name: string) => table.find(t => t.name === name)!;
  const ratio = (a: string, b: string, field: 'req/s' | 'p99 ms') =>
    (at(a)[field] / at(b)[field]).toFixed(2);
  for (const form of ['engine origin', 'path form']) {
    const gateway = `gateway, ${form}`;
    console.log(
      `${gateway} / configurable-http-proxy throughput at 50 conn: ${ratio(
        `${gateway}, 50 conn`,
        'configurable-http-proxy, 50 conn',
        'req/s',
      )}× (target ≥ 2×)`,
    );
    console.log(
      `${gateway} / configurable-http-proxy p99 at 50 conn: ${ratio(
        `${gateway}, 50 conn`,
        'configurable-http-proxy, 50 conn',
        'p99 ms',
      )}× (target ≤ 1×)`,
    );
    console.log(
      `${gateway} p50 added over direct at 1 conn: ${(
        at(`${gateway}, 1 conn`)['p50 ms'] - at('direct, 1 conn')['p50 ms']
      ).toFixed(2)} ms (target < 1 ms)`,
    );
  }
  console.log(
    `bare Node proxy / configurable-http-proxy throughput at 50 conn: ${ratio(
      'bare Node proxy, 50 conn',
      'configurable-http-proxy, 50 conn',
      'req/s',
    )}× (a node:http pass-through without checks)`,
  );
}

runBench(main, children);
