import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { mockServices } from '@backstage/backend-test-utils';
import { gpuPoolSchema } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { parseRuntimeConfig } from '../config/readRuntimeConfig';
import { kubeConfigFromFile } from '../cluster/kubeConfigFromFile';
import { startRequest } from '../__testUtils__/fixtures';
import { EventLog } from '../__testUtils__/events';
import { startTestCluster, TestCluster } from '../__testUtils__/testCluster';
import { KubernetesRuntime } from './KubernetesRuntime';

const testClock = new TestClock();

/**
 * A measurement, not a check that runs by default: the API requests the
 * runtime makes per minute at steady state with 10, 100 and 500 running
 * instances, and how long a restarted runtime takes to see them all again.
 * Run with AIGC_KUBE_MEASURE=1 (AIGC_KUBE_MEASURE_SECONDS sets the window,
 * 60 by default; AIGC_KUBE_MEASURE_SIZES the instance counts, 10,100,500).
 */
const measure =
  process.env.AIGC_KUBE_MEASURE === '1' ? describe : describe.skip;
const windowSeconds = Number(process.env.AIGC_KUBE_MEASURE_SECONDS ?? 60);
const sizes = (process.env.AIGC_KUBE_MEASURE_SIZES ?? '10,100,500')
  .split(',')
  .map(Number);
const largest = Math.max(...sizes);

const benchPool = gpuPoolSchema.parse({
  id: 'bench',
  title: 'Bench',
  gpuType: 'A100-80G',
  pricePerHour: 1,
  kubernetes: { nodeSelector: { 'aigc-gateway.io/pool': 'bench' } },
});

/** Counts every request of a kubeconfig: API calls and watches. */
function countRequests(kubeConfig: KubeConfig) {
  const counter = { calls: 0, watches: 0 };
  const auth = kubeConfig.applySecurityAuthentication.bind(kubeConfig);
  kubeConfig.applySecurityAuthentication = context => {
    counter.calls++;
    return auth(context);
  };
  const fetchOptions = kubeConfig.applyToFetchOptions.bind(kubeConfig);
  kubeConfig.applyToFetchOptions = options => {
    counter.watches++;
    return fetchOptions(options);
  };
  return counter;
}

measure('API requests of the runtime at steady state', () => {
  let cluster: TestCluster;
  let runtime: KubernetesRuntime;
  let counter: { calls: number; watches: number };
  const log = new EventLog();
  const figures: string[] = [];
  let running = 0;

  /** The requests the API server counted from all its clients, by verb and resource. */
  function apiServerCounts(): Map<string, number> {
    const metrics = execFileSync(
      join(cluster.bin, 'kubectl'),
      ['get', '--raw', '/metrics'],
      {
        env: { ...process.env, KUBECONFIG: cluster.kubeconfig },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const counts = new Map<string, number>();
    for (const line of metrics.split('\n')) {
      if (!line.startsWith('apiserver_request_total{')) continue;
      const label = (name: string) =>
        new RegExp(`${name}="([^"]*)"`).exec(line)?.[1] ?? '';
      const key = `${label('verb')} ${label('resource')}${
        label('subresource') ? `/${label('subresource')}` : ''
      }`;
      counts.set(key, (counts.get(key) ?? 0) + Number(line.split(' ').pop()));
    }
    return counts;
  }

  /** The API server's requests per minute in a window, in total and the largest by verb and resource. */
  function serverRate(
    before: Map<string, number>,
    after: Map<string, number>,
  ): string {
    const rate = (n: number) => (n * 60) / windowSeconds;
    const deltas = [...after].map(
      ([key, n]) => [key, n - (before.get(key) ?? 0)] as const,
    );
    const total = deltas.reduce((sum, [, n]) => sum + n, 0);
    const top = deltas
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([key, n]) => `${key} ${rate(n).toFixed(0)}`);
    return `${rate(total).toFixed(0)}/min (${top.join(', ')})`;
  }

  beforeAll(async () => {
    cluster = startTestCluster('aigc-k8s-rate-test', {
      AIGC_KUBE_PV_COUNT: String(largest + 10),
    });
    const admin = kubeConfigFromFile(cluster.kubeconfig).makeApiClient(
      CoreV1Api,
    );
    // Fake nodes of 8 GPUs each, so the largest count runs at once.
    for (let i = 0; i < Math.ceil(largest / 8) + 1; i++) {
      const resources = {
        cpu: '96',
        memory: '1Ti',
        pods: '110',
        'nvidia.com/gpu': '8',
      };
      await admin.createNode({
        body: {
          metadata: {
            name: `aigc-bench-${i}`,
            annotations: { 'kwok.x-k8s.io/node': 'fake' },
            labels: {
              type: 'kwok',
              'aigc-gateway.io/pool': 'bench',
              'kubernetes.io/hostname': `aigc-bench-${i}`,
            },
          },
          status: { capacity: resources, allocatable: resources },
        },
      });
    }
    const kubeConfig = kubeConfigFromFile(cluster.kubeconfig);
    counter = countRequests(kubeConfig);
    runtime = newRuntime(kubeConfig);
    runtime.observe(log.listener);
    await runtime.whenConnected();
  }, 30 * 60_000);

  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(figures.join('\n'));
    await runtime?.shutdown();
    cluster?.stop();
  }, 60_000);

  function newRuntime(kubeConfig: KubeConfig) {
    return new KubernetesRuntime({
      kubeConfig,
      config: parseRuntimeConfig({
        kubeconfig: cluster.kubeconfig,
        namespace: 'aigc-bench',
        createNamespace: true,
      }),
      logger: mockServices.logger.mock(),
      clock: testClock,
    });
  }

  async function runUntil(n: number) {
    const before = { ...counter };
    const started: string[] = [];
    while (running + started.length < n) {
      const instanceId = randomUUID();
      const volume = await runtime.ensureVolume(randomUUID());
      await runtime.start(startRequest(instanceId, volume.id, benchPool));
      started.push(instanceId);
    }
    await Promise.all(
      started.map(id =>
        log.waitFor(
          e => e.instanceId === id && e.phase === 'ready',
          `${id} ready`,
          120_000,
        ),
      ),
    );
    running += started.length;
    const calls = counter.calls - before.calls;
    figures.push(
      `launching ${started.length} instances (to ${n}): ${calls} API calls, ${(
        calls / started.length
      ).toFixed(1)} per instance`,
    );
  }

  async function steadyState(n: number): Promise<number> {
    const before = { ...counter };
    const serverBefore = apiServerCounts();
    await new Promise(r => setTimeout(r, windowSeconds * 1000));
    const serverAfter = apiServerCounts();
    const calls = counter.calls - before.calls;
    const watches = counter.watches - before.watches;
    const perMinute = ((calls + watches) * 60) / windowSeconds;
    figures.push(
      `N=${n}: ${calls} API calls and ${watches} watch requests by the runtime in ${windowSeconds} s ` +
        `(${perMinute.toFixed(1)}/min); API server, all clients: ${serverRate(
          serverBefore,
          serverAfter,
        )}`,
    );
    expect(
      (await runtime.list()).filter(s => s.phase === 'ready'),
    ).toHaveLength(n);
    return calls + watches;
  }

  it(
    'does not grow with the number of instances',
    async () => {
      const perWindow: number[] = [];
      for (const n of sizes) {
        await runUntil(n);
        perWindow.push(await steadyState(n));
      }
      expect(perWindow[perWindow.length - 1]).toBeLessThanOrEqual(
        perWindow[0] + 2,
      );

      // A backend that starts again: its runtime lists the pods once and knows every instance.
      const started = Date.now();
      const again = newRuntime(kubeConfigFromFile(cluster.kubeconfig));
      await again.whenConnected();
      const ready = (await again.list()).filter(
        s => s.phase === 'ready',
      ).length;
      figures.push(
        `restart: a new runtime knows all ${ready} ready instances ${
          Date.now() - started
        } ms after it starts`,
      );
      expect(ready).toBe(largest);
      await again.shutdown();
    },
    60 * 60_000,
  );
});
