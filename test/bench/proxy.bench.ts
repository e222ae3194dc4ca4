/**
 * Proxy throughput and latency on loopback, side by side in one run:
 * the sample engine directly, through the gateway (auth check included), and
 * through configurable-http-proxy (JupyterHub's proxy) as the anchor.
 *
 *   yarn bench:proxy            (prints a table; not run in CI)
 */
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { asUser, sampleGatewayConfig } from '../../plugins/aigc-gateway-backend/src/__testUtils__/gateway';
import { startGatewayProcess } from '../../plugins/aigc-gateway-backend/src/__testUtils__/startGatewayProcess';

const repo = resolve(__dirname, '../..');
const children: ChildProcess[] = [];

async function waitFor(url: string) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function run(url: string, connections: number, headers: Record<string, string> = {}) {
  return autocannon({ url, connections, duration: 8, headers, pipelining: 1 });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'aigc-bench-'));
  const gateway = await startGatewayProcess({
    db: join(dir, 'gateway.sqlite'),
    config: sampleGatewayConfig({ dataRoot: join(dir, 'engines'), ports: { from: 18800, to: 18809 } }),
  });
  children.push(gateway.child);
  const auth = { authorization: asUser('alice') };
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

  // The anchor: the engine gateway launched, behind configurable-http-proxy.
  const direct = `http://127.0.0.1:18800/bench/2k`;
  const chp = spawn(join(repo, 'node_modules/.bin/configurable-http-proxy'), [
    '--port', '18890', '--api-port', '18891', '--default-target', 'http://127.0.0.1:18800', '--log-level', 'error',
  ], { stdio: 'ignore' });
  children.push(chp);
  const viaChp = 'http://127.0.0.1:18890/bench/2k';
  await waitFor(viaChp);

  const rows: Array<[string, autocannon.Result]> = [];
  for (const connections of [50, 1]) {
    rows.push([`direct, ${connections} conn`, await run(direct, connections)]);
    rows.push([`gateway, ${connections} conn`, await run(viaGateway, connections, auth)]);
    rows.push([`configurable-http-proxy, ${connections} conn`, await run(viaChp, connections)]);
  }

  const table = rows.map(([name, r]) => ({
    name,
    'req/s': Math.round(r.requests.average),
    'p50 ms': r.latency.p50,
    'p99 ms': r.latency.p99,
    errors: r.errors + r.non2xx,
  }));
  console.table(table);
  const at = (name: string) => table.find(t => t.name === name)!;
  console.log(
    `gateway / configurable-http-proxy throughput at 50 conn: ${(at('gateway, 50 conn')['req/s'] / at('configurable-http-proxy, 50 conn')['req/s']).toFixed(2)}× (target ≥ 2×)`,
  );
  console.log(
    `gateway / configurable-http-proxy p99 at 50 conn: ${(at('gateway, 50 conn')['p99 ms'] / at('configurable-http-proxy, 50 conn')['p99 ms']).toFixed(2)}× (target ≤ 1×)`,
  );
  console.log(
    `gateway p50 added over direct at 1 conn: ${(at('gateway, 1 conn')['p50 ms'] - at('direct, 1 conn')['p50 ms']).toFixed(2)} ms (target < 1 ms)`,
  );
}

main()
  .catch(error => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => children.forEach(c => c.kill('SIGTERM')));
