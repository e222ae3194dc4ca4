#!/usr/bin/env node
/**
 * The sample engine: a small real engine for examples and tests. It serves a
 * web UI and the Stable Diffusion WebUI API subset the gateway relies on
 * (`/sdapi/v1/txt2img`, `/sdapi/v1/progress`, `/internal/ping`), writes its
 * outputs to its data folder, and spends `--step-ms` per step so that "busy"
 * can be observed. It draws images deterministically; it is not a diffusion
 * model. It also speaks subsets of ComfyUI's and InvokeAI's APIs with their
 * live channels (comfyApi.ts, invokeApi.ts), and for streamed answers a text subset of Ollama's API and
 * of the OpenAI-compatible API with vLLM's metrics (textGeneration.ts).
 *
 *   node src/server.ts --port 7860 --data ./data --version 2.0.0 [--step-ms 50] [--startup-ms 0]
 */
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { parseArgs } from 'node:util';
import { JobQueue } from './jobs.ts';
import {
  type DataLayout,
  listOutputs,
  outputFolder,
  readLayout,
  writeLayout,
} from './layout.ts';
import { render } from './render.ts';
import { uiPage } from './ui.ts';
import { acceptWebSocket } from './websocket.ts';
import { TextGenerator, textRequest } from './textGeneration.ts';
import { ComfyApi } from './comfyApi.ts';
import { INVOKE_QUEUE, InvokeApi } from './invokeApi.ts';
import { isMain } from './isMain.ts';

export interface EngineOptions {
  dataDir: string;
  version: string;
  stepMs: number;
}

/** Engine 1.x writes data layout 1, engine 2.x layout 2. */
export function layoutOfVersion(version: string): DataLayout {
  return version.startsWith('1.') ? 1 : 2;
}

class BadRequest extends Error {}

const BENCH_BODY = 'x'.repeat(2048);

function int(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    throw new BadRequest(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

async function readJson(
  req: IncomingMessage,
): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 65_536) throw new BadRequest('request body too large');
  }
  try {
    const parsed = JSON.parse(body || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error();
    return parsed;
  } catch {
    throw new BadRequest('request body must be a JSON object');
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/json',
) {
  const data =
    type === 'application/json'
      ? JSON.stringify(body)
      : (body as string | Buffer);
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(data),
  });
  res.end(data);
}

export function createEngine(options: EngineOptions) {
  const layout = layoutOfVersion(options.version);
  const found = readLayout(options.dataDir);
  if (found !== undefined && found !== layout) {
    throw new Error(
      `data folder ${options.dataDir} is in layout ${found}; engine ${options.version} needs layout ${layout}: run the migration first`,
    );
  }
  writeLayout(options.dataDir, layout);
  const jobs = new JobQueue(options.stepMs);
  const text = new TextGenerator(options.stepMs);
  let generated = 0;

  /** Draws an image and keeps it in the data folder: its PNG and its path there. */
  function makeImage(image: Parameters<typeof render>[0]) {
    const png = render(image);
    const folder = outputFolder(layout, new Date());
    mkdirSync(join(options.dataDir, folder), { recursive: true });
    generated += 1;
    const file = join(folder, `${Date.now()}-${image.seed}-${generated}.png`);
    writeFileSync(join(options.dataDir, file), png);
    return { png, file };
  }

  const comfy = new ComfyApi(jobs, makeImage);
  const invoke = new InvokeApi(jobs, prompt =>
    makeImage({ prompt, seed: generated, width: 64, height: 64 }),
  );

  /** A text generation request of the API `countField` belongs to. */
  async function readText(
    req: IncomingMessage,
    countField: string,
    streamByDefault: boolean,
  ) {
    const request = textRequest(
      await readJson(req),
      countField,
      streamByDefault,
    );
    if (typeof request === 'string') throw new BadRequest(request);
    return request;
  }

  async function txt2img(req: IncomingMessage, res: ServerResponse) {
    const body = await readJson(req);
    if (
      typeof body.prompt !== 'string' ||
      body.prompt.length === 0 ||
      body.prompt.length > 2000
    ) {
      throw new BadRequest(
        'prompt must be a non-empty string of at most 2000 characters',
      );
    }
    const prompt = body.prompt;
    const steps = int(body.steps, 'steps', 1, 150, 20);
    const width = int(body.width, 'width', 16, 1024, 256);
    const height = int(body.height, 'height', 16, 1024, 256);
    const requestedSeed = int(body.seed, 'seed', -1, 2 ** 32 - 1, -1);
    const seed =
      requestedSeed === -1
        ? Math.floor(Math.random() * 2 ** 32)
        : requestedSeed;
    const result = await jobs.submit(steps, () =>
      makeImage({ prompt, seed, width, height }),
    );
    send(res, 200, {
      images: [result.png.toString('base64')],
      parameters: { prompt, seed, steps, width, height },
      info: JSON.stringify({
        seed,
        file: result.file,
        version: options.version,
      }),
    });
  }

  function output(res: ServerResponse, path: string) {
    let relative: string;
    try {
      relative = normalize(decodeURIComponent(path));
    } catch {
      send(res, 404, { detail: 'Not Found' });
      return;
    }
    if (
      !relative.startsWith('outputs/') ||
      relative.includes('..') ||
      !relative.endsWith('.png')
    ) {
      send(res, 404, { detail: 'Not Found' });
      return;
    }
    try {
      send(
        res,
        200,
        readFileSync(join(options.dataDir, relative)),
        'image/png',
      );
    } catch {
      send(res, 404, { detail: 'Not Found' });
    }
  }

  const server = createServer((req, res) => {
    // The path as sent, without resolving it against a base ("//x" is not a host here).
    const path = (req.url ?? '/').split('?', 1)[0];
    const route = `${req.method} ${path}`;
    (async () => {
      if (route === 'GET /')
        send(res, 200, uiPage(options.version), 'text/html; charset=utf-8');
      else if (route === 'GET /internal/ping') send(res, 200, {});
      // A fixed 2 KiB answer for proxy benchmarks.
      else if (route === 'GET /bench/2k')
        send(res, 200, BENCH_BODY, 'text/plain');
      // Large transfers for proxy benchmarks: a body counted and dropped, and one streamed.
      else if (route === 'POST /bench/upload') {
        let bytes = 0;
        for await (const chunk of req) bytes += (chunk as Buffer).length;
        send(res, 200, { bytes });
      } else if (route === 'GET /bench/download') {
        const mib = Number(
          new URL(req.url ?? '/', 'http://engine').searchParams.get('mib'),
        );
        if (!Number.isInteger(mib) || mib < 1 || mib > 1024)
          throw new BadRequest('mib must be an integer from 1 to 1024');
        const chunk = Buffer.alloc(1 << 20);
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': mib << 20,
        });
        for (let i = 0; i < mib; i++)
          if (!res.write(chunk)) await new Promise(r => res.once('drain', r));
        res.end();
      } else if (route === 'POST /sdapi/v1/txt2img') await txt2img(req, res);
      else if (route === 'GET /sdapi/v1/progress') {
        const p = jobs.progress();
        send(res, 200, {
          progress: p.steps ? p.step / p.steps : 0,
          eta_relative: p.steps
            ? ((p.steps - p.step) * options.stepMs) / 1000
            : 0,
          state: {
            job_count: p.jobCount,
            sampling_step: p.step,
            sampling_steps: p.steps,
          },
          current_image: null,
        });
      }
      // ComfyUI's API subset.
      else if (route === 'POST /prompt') {
        const queued = comfy.submit(await readJson(req));
        send(res, 'error' in queued ? 400 : 200, queued);
      } else if (route === 'GET /queue') send(res, 200, comfy.queue());
      else if (route === 'GET /history') send(res, 200, comfy.history());
      else if (req.method === 'GET' && path.startsWith('/history/'))
        send(res, 200, comfy.history(path.slice('/history/'.length)));
      else if (route === 'GET /view') {
        const query = new URL(req.url ?? '/', 'http://engine').searchParams;
        output(
          res,
          join(
            'outputs',
            query.get('subfolder') ?? '',
            query.get('filename') ?? '',
          ),
        );
      }
      // InvokeAI's session queue subset.
      else if (route === `POST ${INVOKE_QUEUE}/enqueue_batch`) {
        const result = invoke.enqueue(await readJson(req));
        send(res, 'detail' in result ? 422 : 200, result);
      } else if (route === `GET ${INVOKE_QUEUE}/status`)
        send(res, 200, invoke.status());
      else if (req.method === 'GET' && path.startsWith(`${INVOKE_QUEUE}/i/`)) {
        const item = invoke.item(path.slice(`${INVOKE_QUEUE}/i/`.length));
        if (item) send(res, 200, item);
        else send(res, 404, { detail: 'Queue item not found' });
      }
      // Ollama's API subset (streams by default).
      else if (route === 'POST /api/generate')
        await text.ollamaGenerate(
          await readText(req, 'num_predict', true),
          res,
        );
      else if (route === 'GET /api/ps') send(res, 200, text.ollamaPs());
      // The OpenAI-compatible API subset and vLLM's metrics.
      else if (route === 'POST /v1/completions')
        await text.completions(await readText(req, 'max_tokens', false), res);
      else if (route === 'GET /metrics')
        send(res, 200, text.metrics(), 'text/plain; version=0.0.4');
      else if (route === 'GET /outputs')
        send(res, 200, listOutputs(options.dataDir, layout));
      else if (req.method === 'GET' && path.startsWith('/outputs/'))
        output(res, path.slice(1));
      else send(res, 404, { detail: 'Not Found' });
    })().catch(error => {
      if (res.headersSent) return;
      if (error instanceof BadRequest)
        send(res, 422, { detail: error.message });
      else send(res, 500, { detail: String(error) });
    });
  });
  // The live channel: each message gets the current progress back.
  // ComfyUI's channel: status, progress and results, pushed; InvokeAI's socket.io.
  server.on('upgrade', (req, socket) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/ws') {
      const push = acceptWebSocket(req, socket, () => undefined);
      if (push) comfy.connect(push, socket);
      return;
    }
    if (path === '/ws/socket.io/') {
      invoke.connect(socket, reply => acceptWebSocket(req, socket, reply));
      return;
    }
    if (path !== '/queue/join') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    acceptWebSocket(req, socket, message =>
      JSON.stringify({ echo: message, ...jobs.progress() }),
    );
  });
  return { server, jobs };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '7860' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: process.env.DATA_DIR ?? './data' },
      version: { type: 'string', default: '2.0.0' },
      'step-ms': { type: 'string', default: '50' },
      // Time to "load models" before listening, so a start can be observed.
      'startup-ms': { type: 'string', default: '0' },
    },
  });
  try {
    const { server } = createEngine({
      dataDir: values.data!,
      version: values.version!,
      stepMs: Number(values['step-ms']),
    });
    setTimeout(() => {
      server.listen(Number(values.port), values.host, () => {
        process.stdout.write(
          `Sample engine ${values.version} on http://${values.host}:${values.port}, data in ${values.data}\n`,
        );
      });
    }, Number(values['startup-ms']));
    const stop = () => server.close(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } catch (error) {
    process.stderr.write(`sample engine: ${(error as Error).message}\n`);
    process.exit(3);
  }
}
