import { AddressInfo } from 'node:net';
import { TestDatabases } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { EngineKind } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { sampleVersion } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import request from 'supertest';
import WebSocket from 'ws';
import {
  asUser,
  launchRunning,
  startGateway,
  waitForState,
} from '../__testUtils__/gateway';
import { engineEndpoint } from '../__testUtils__/engineEndpoint';
import { streamed } from '../__testUtils__/streamed';
import { EngineConnections } from '../gateway/EngineConnections';
import { engineBusy } from './busySignal';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

jest.setTimeout(120_000);

const alice = asUser('alice');

/** The gateway's port and an instance's path-form proxy. */
interface Target {
  port: number;
  proxy: string;
}

/**
 * A job of `steps` steps, submitted as the engine's own UI or client does;
 * `progress` resolves with the progress updates followed on the engine's
 * live channel or stream once the job is done.
 */
type Job = (target: Target, steps: number) => Promise<number>;

const post = (target: Target, path: string, body: object) =>
  streamed(target.port, `${target.proxy}${path}`, body);

/** A WebSocket to the engine through the gateway, with alice's token. */
function socket(target: Target, path: string) {
  const ws = new WebSocket(
    `ws://127.0.0.1:${target.port}${target.proxy}${path}`,
    { headers: { authorization: alice } },
  );
  return ws;
}

/** Stable Diffusion WebUI: txt2img, its progress asked for on the live channel meanwhile. */
const sdWebUiJob: Job = async (target, steps) => {
  const ws = socket(target, '/queue/join');
  await new Promise(r => ws.once('open', r));
  let seen = 0;
  ws.on('message', data => {
    if (JSON.parse(String(data)).step > 0) seen += 1;
  });
  const asking = setInterval(() => ws.send('progress?'), 20);
  try {
    const answer = await post(target, '/sdapi/v1/txt2img', {
      prompt: 'a lighthouse in fog',
      steps,
    });
    expect(
      JSON.parse(answer.chunks.map(c => c.text).join('')).images,
    ).toHaveLength(1);
  } finally {
    clearInterval(asking);
    ws.close();
  }
  return seen;
};

/** ComfyUI: a workflow posted to /prompt, its progress pushed on /ws. */
const comfyJob: Job = async (target, steps) => {
  const ws = socket(target, '/ws?clientId=kinds');
  await new Promise(r => ws.once('open', r));
  let seen = 0;
  const finished = new Promise<void>(resolve =>
    ws.on('message', data => {
      const message = JSON.parse(String(data));
      if (message.type === 'progress') seen += 1;
      if (message.type === 'executing' && message.data.node === null) resolve();
    }),
  );
  const queued = await post(target, '/prompt', {
    client_id: 'kinds',
    prompt: {
      '3': { class_type: 'KSampler', inputs: { seed: 1, steps } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a harbour' } },
      '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'k' } },
    },
  });
  expect(JSON.parse(queued.chunks.map(c => c.text).join(''))).toHaveProperty(
    'prompt_id',
  );
  await finished;
  ws.close();
  return seen;
};

/** InvokeAI: a batch enqueued, its progress on socket.io (Engine.IO 4 over a WebSocket). */
const invokeJob: Job = async (target, steps) => {
  const ws = socket(target, '/ws/socket.io/?EIO=4&transport=websocket');
  let seen = 0;
  const subscribed = new Promise<void>(resolve =>
    ws.on('message', data => {
      const packet = String(data);
      if (packet.startsWith('0{')) ws.send('40');
      else if (packet.startsWith('40')) {
        ws.send('42["subscribe_queue",{"queue_id":"default"}]');
        resolve();
      }
    }),
  );
  const finished = new Promise<void>(resolve =>
    ws.on('message', data => {
      const packet = String(data);
      if (!packet.startsWith('42[')) return;
      const [event, payload] = JSON.parse(packet.slice(2));
      if (event === 'invocation_progress') seen += 1;
      if (
        event === 'queue_item_status_changed' &&
        payload.status === 'completed'
      )
        resolve();
    }),
  );
  await subscribed;
  // The subscription has no acknowledgement: give it a moment to arrive.
  await new Promise(r => setTimeout(r, 100));
  await post(target, '/api/v1/queue/default/enqueue_batch', {
    batch: {
      graph: {
        nodes: {
          p: { id: 'p', type: 'compel', prompt: 'a harbour' },
          d: { id: 'd', type: 'denoise_latents', steps },
        },
        edges: [],
      },
      runs: 1,
    },
  });
  await finished;
  ws.close();
  return seen;
};

/** Ollama: a generation streamed as JSON lines. */
const ollamaJob: Job = async (target, steps) => {
  const answer = await post(target, '/api/generate', {
    model: 'sample-text',
    prompt: 'tokens one by one',
    options: { num_predict: steps },
  });
  const lines = answer.chunks
    .map(c => c.text)
    .join('')
    .trim()
    .split('\n')
    .map(l => JSON.parse(l));
  expect(lines.at(-1)).toMatchObject({ done: true });
  return lines.filter(l => !l.done).length;
};

/** vLLM: an OpenAI-compatible completion streamed as server-sent events. */
const vllmJob: Job = async (target, steps) => {
  const answer = await post(target, '/v1/completions', {
    model: 'sample-text',
    prompt: 'events one by one',
    max_tokens: steps,
    stream: true,
  });
  const events = answer.chunks
    .map(c => c.text)
    .join('')
    .trim()
    .split('\n\n');
  expect(events.at(-1)).toBe('data: [DONE]');
  return events.length - 2;
};

const kinds: Array<[EngineKind, Job]> = [
  ['sd-webui', sdWebUiJob],
  ['comfyui', comfyJob],
  ['invokeai', invokeJob],
  ['ollama', ollamaJob],
  ['vllm', vllmJob],
];

/**
 * Each kind of engine through the gateway on the local runtime, played by
 * the sample engine's subset of its API: its page, a job followed on its
 * live channel or stream, the busy signal true during the job and false
 * after, the completed jobs counted, and the idle policy refusing to
 * release the engine while a job runs, then releasing it once idle.
 */
describe('engine kinds through the gateway', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  const connections = new EngineConnections();

  beforeAll(async () => {
    gateway = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18640, to: 18649 },
      // 30 ms per step: a job of 150 steps runs 4.5 s.
      engineArgs: ['--step-ms', '30'],
      idle: {
        timeoutMinutes: 1,
        warnMinutesBefore: 0,
        checkIntervalSeconds: 1,
      },
      extra: {
        jobs: { checkIntervalSeconds: 1 },
        templates: kinds.map(([kind]) => ({
          id: kind,
          title: `${kind} stand-in`,
          owner: 'group:default/aigc-admins',
          kind,
          versions: [sampleVersion('2.0.0', 2)],
        })),
      },
      features: [schedulerServiceFactory],
    });
  });

  afterAll(async () => {
    await connections.close();
    await gateway?.backend.stop();
  });

  const view = async (id: string) =>
    (
      await request(gateway.server)
        .get(`/api/aigc-gateway/instances/${id}`)
        .set('Authorization', alice)
    ).body;

  async function jobsReach(id: string, count: number) {
    for (let i = 0; i < 100; i++) {
      if ((await view(id)).jobsCompleted >= count) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect((await view(id)).jobsCompleted).toBe(count);
  }

  it.each(kinds)('%s', async (kind, job) => {
    const { server, dataRoot, clock } = gateway;
    const id = await launchRunning(server, 'alice', { templateId: kind });
    const target: Target = {
      port: (server.address() as AddressInfo).port,
      proxy: `/api/aigc-gateway/instances/${id}/proxy`,
    };
    const busy = () =>
      engineBusy(kind, engineEndpoint(dataRoot, id), connections);

    const page = await request(server)
      .get(`${target.proxy}/`)
      .set('Authorization', alice);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect((await view(id)).jobsCompleted).toBe(0);
    expect(await busy()).toBe(false);

    // A job of 40 steps: busy while it runs, followed to its end, counted.
    const first = job(target, 40);
    let seenBusy = false;
    for (let i = 0; i < 20 && !seenBusy; i++) {
      await new Promise(r => setTimeout(r, 50));
      seenBusy = (await busy()) === true;
    }
    expect(seenBusy).toBe(true);
    expect(await first).toBeGreaterThanOrEqual(5);
    expect(await busy()).toBe(false);
    await jobsReach(id, 1);

    // A long job, and the clock moved past the idle timeout while it runs:
    // the idle check asks the engine, hears it is busy, and keeps it.
    const long = job(target, 150);
    await new Promise(r => setTimeout(r, 300));
    clock.advance(2 * 60_000);
    await new Promise(r => setTimeout(r, 2500));
    const meanwhile = await view(id);
    expect(meanwhile.state).toBe('running');
    expect(new Date(meanwhile.lastActivityAt).getTime()).toBeGreaterThan(
      clock.now().getTime() - 60_000,
    );
    await long;

    // Done and idle past the timeout: released, with both jobs counted.
    clock.advance(2 * 60_000);
    const released = await waitForState(server, id, 'released');
    expect(
      released.events.map((e: { message: string }) => e.message),
    ).toContainEqual(
      expect.stringMatching(
        /^releasing: idle for \d+ minutes? \(no use, no work in progress\)$/,
      ),
    );
    expect(released.jobsCompleted).toBe(2);
  });
});
