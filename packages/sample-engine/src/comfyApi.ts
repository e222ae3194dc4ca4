/**
 * A subset of ComfyUI's API, after its server.py: `POST /prompt` with a
 * workflow in the API format, `GET /queue`, `GET /history[/<id>]`, `GET
 * /view`, and the `/ws` channel's `status`, `execution_start`, `progress`,
 * `executed` and `executing` messages. The workflow's KSampler gives the
 * steps and seed, its CLIPTextEncode the prompt and its EmptyLatentImage the
 * size; the image is the sample engine's drawing.
 */
import { randomUUID } from 'node:crypto';
import { basename, dirname, relative } from 'node:path';
import type { Duplex } from 'node:stream';
import type { JobQueue } from './jobs.ts';
import type { SendText } from './websocket.ts';

interface Node {
  class_type: string;
  inputs: Record<string, unknown>;
}

interface Image {
  prompt: string;
  seed: number;
  width: number;
  height: number;
}

interface Queued {
  id: string;
  number: number;
  workflow: Record<string, Node>;
  clientId?: string;
}

/** A ComfyUI image reference: `/view?filename=…&subfolder=…&type=output`. */
interface ImageRef {
  filename: string;
  subfolder: string;
  type: 'output';
}

const integer = (value: unknown, min: number, max: number, fallback: number) =>
  typeof value === 'number' &&
  Number.isInteger(value) &&
  value >= min &&
  value <= max
    ? value
    : fallback;

export class ComfyApi {
  private readonly jobs: JobQueue;
  private readonly makeImage: (image: Image) => { file: string };
  private readonly clients = new Set<SendText>();
  private readonly pending: Queued[] = [];
  private running: Queued | undefined;
  private readonly done = new Map<string, object>();
  private number = 0;

  constructor(jobs: JobQueue, makeImage: (image: Image) => { file: string }) {
    this.jobs = jobs;
    this.makeImage = makeImage;
  }

  /** `POST /prompt`: queues the workflow; its id and number, or ComfyUI's error body. */
  submit(body: Record<string, unknown>) {
    const workflow = body.prompt as Record<string, Node> | undefined;
    const nodes =
      workflow && typeof workflow === 'object' ? Object.entries(workflow) : [];
    const invalid = (message: string) => ({
      error: { type: 'invalid_prompt', message, details: '', extra_info: {} },
      node_errors: {},
    });
    if (
      nodes.length === 0 ||
      !nodes.every(
        ([, n]) =>
          n && typeof n.class_type === 'string' && typeof n.inputs === 'object',
      )
    )
      return invalid(
        'Cannot execute because the prompt has no nodes with a class_type',
      );
    const sampler = nodes.find(([, n]) => n.class_type === 'KSampler');
    const save = nodes.find(([, n]) => n.class_type === 'SaveImage');
    if (!sampler || !save)
      return invalid('Prompt has no KSampler and SaveImage to execute');
    const queued: Queued = {
      id: randomUUID(),
      number: this.number++,
      workflow: workflow!,
      clientId: typeof body.client_id === 'string' ? body.client_id : undefined,
    };
    this.pending.push(queued);
    const text = nodes.find(([, n]) => n.class_type === 'CLIPTextEncode')?.[1]
      .inputs.text;
    const latent = nodes.find(
      ([, n]) => n.class_type === 'EmptyLatentImage',
    )?.[1].inputs;
    const image: Image = {
      prompt:
        typeof text === 'string' && text.length > 0
          ? text.slice(0, 2000)
          : 'an image',
      seed: integer(sampler[1].inputs.seed, 0, 2 ** 32 - 1, 0),
      width: integer(latent?.width, 16, 1024, 64),
      height: integer(latent?.height, 16, 1024, 64),
    };
    const steps = integer(sampler[1].inputs.steps, 1, 150, 20);
    void this.jobs
      .submit(
        steps,
        () => this.makeImage(image),
        (step, of) => {
          if (step === 1) this.start(queued);
          this.broadcast('progress', {
            value: step,
            max: of,
            prompt_id: queued.id,
            node: sampler[0],
          });
        },
      )
      .then(({ file }) => this.finish(queued, save[0], file));
    this.status();
    return { prompt_id: queued.id, number: queued.number, node_errors: {} };
  }

  /** `GET /queue`: what runs and what waits, as `[number, id, workflow, extra, outputs]`. */
  queue() {
    const entry = (q: Queued) => [
      q.number,
      q.id,
      q.workflow,
      { client_id: q.clientId },
      [],
    ];
    return {
      queue_running: this.running ? [entry(this.running)] : [],
      queue_pending: this.pending.map(entry),
    };
  }

  /** `GET /history[/<id>]`: finished prompts with their outputs. */
  history(id?: string) {
    if (id === undefined) return Object.fromEntries(this.done);
    const entry = this.done.get(id);
    return entry ? { [id]: entry } : {};
  }

  /** A client of `/ws`: it hears the queue's status at once, then every prompt's progress. */
  connect(send: SendText, socket: Duplex) {
    this.clients.add(send);
    socket.once('close', () => this.clients.delete(send));
    send(JSON.stringify({ type: 'status', data: this.statusData() }));
  }

  private start(queued: Queued) {
    this.pending.splice(this.pending.indexOf(queued), 1);
    this.running = queued;
    this.broadcast('execution_start', { prompt_id: queued.id });
  }

  private finish(queued: Queued, saveNode: string, file: string) {
    const image: ImageRef = {
      filename: basename(file),
      subfolder: relative('outputs', dirname(file)),
      type: 'output',
    };
    this.done.set(queued.id, {
      prompt: [
        queued.number,
        queued.id,
        queued.workflow,
        { client_id: queued.clientId },
        [saveNode],
      ],
      outputs: { [saveNode]: { images: [image] } },
      status: { status_str: 'success', completed: true, messages: [] },
    });
    this.running = undefined;
    this.broadcast('executed', {
      node: saveNode,
      output: { images: [image] },
      prompt_id: queued.id,
    });
    this.broadcast('executing', { node: null, prompt_id: queued.id });
    this.status();
  }

  private statusData() {
    return {
      status: {
        exec_info: {
          queue_remaining: this.pending.length + (this.running ? 1 : 0),
        },
      },
    };
  }

  private status() {
    this.broadcast('status', this.statusData());
  }

  private broadcast(type: string, data: object) {
    const message = JSON.stringify({ type, data });
    for (const send of this.clients) send(message);
  }
}
