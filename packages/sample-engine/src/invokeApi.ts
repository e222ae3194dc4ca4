/**
 * A subset of InvokeAI 6's session queue API, after its
 * app/api/routers/session_queue.py and services/events/events_common.py:
 * `POST /api/v1/queue/<queue>/enqueue_batch` with a graph, `GET
 * /api/v1/queue/<queue>/status`, `GET /api/v1/queue/<queue>/i/<item>`, and
 * the socket.io channel at `/ws/socket.io/` (Engine.IO 4 over a WebSocket
 * only) with `subscribe_queue`, `invocation_progress` and
 * `queue_item_status_changed`. A graph's node with `steps` gives the steps,
 * one with `prompt` the prompt; the image is the sample engine's drawing.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { JobQueue } from './jobs.ts';
import type { SendText } from './websocket.ts';

type Status = 'pending' | 'in_progress' | 'completed';

interface Item {
  item_id: number;
  batch_id: string;
  session_id: string;
  queue_id: string;
  status: Status;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  image?: string;
}

interface GraphNode {
  id?: string;
  type?: string;
  steps?: unknown;
  prompt?: unknown;
}

/** The path of the queue API for the one queue InvokeAI's UI uses. */
export const INVOKE_QUEUE = '/api/v1/queue/default';

const now = () => new Date().toISOString();

export class InvokeApi {
  private readonly jobs: JobQueue;
  private readonly makeImage: (prompt: string) => { file: string };
  private readonly items = new Map<number, Item>();
  private readonly subscribers = new Set<SendText>();
  private nextId = 1;

  constructor(jobs: JobQueue, makeImage: (prompt: string) => { file: string }) {
    this.jobs = jobs;
    this.makeImage = makeImage;
  }

  /** `POST …/enqueue_batch`: one queue item per run; InvokeAI's result, or a 422 detail. */
  enqueue(body: Record<string, unknown>): object | { detail: string } {
    const batch = body.batch as
      | { graph?: { nodes?: Record<string, GraphNode> }; runs?: unknown }
      | undefined;
    const nodes = Object.values(batch?.graph?.nodes ?? {});
    if (nodes.length === 0 || !nodes.every(n => n && typeof n === 'object'))
      return { detail: 'batch.graph.nodes must hold the nodes of a graph' };
    const runs = batch!.runs ?? 1;
    if (typeof runs !== 'number' || !Number.isInteger(runs) || runs < 1)
      return { detail: 'batch.runs must be a positive integer' };
    const stepsOf = nodes.find(n => typeof n.steps === 'number')?.steps;
    const steps =
      typeof stepsOf === 'number' && Number.isInteger(stepsOf)
        ? Math.min(Math.max(stepsOf, 1), 150)
        : 30;
    const promptOf = nodes.find(n => typeof n.prompt === 'string')?.prompt;
    const prompt =
      typeof promptOf === 'string' && promptOf ? promptOf : 'an image';
    const denoise = nodes.find(n => typeof n.steps === 'number') ?? nodes[0];
    const batchId = randomUUID();
    const ids: number[] = [];
    for (let run = 0; run < Math.min(runs, 16); run++) {
      const item: Item = {
        item_id: this.nextId++,
        batch_id: batchId,
        session_id: randomUUID(),
        queue_id: 'default',
        status: 'pending',
        created_at: now(),
        started_at: null,
        completed_at: null,
      };
      this.items.set(item.item_id, item);
      ids.push(item.item_id);
      void this.jobs
        .submit(
          steps,
          () => this.makeImage(prompt),
          (step, of) => {
            if (step === 1) this.changed(item, 'in_progress');
            this.emit('invocation_progress', {
              ...this.itemRef(item),
              invocation: { id: denoise.id ?? 'denoise', type: denoise.type },
              invocation_source_id: denoise.id ?? 'denoise',
              message: `Denoising (step ${step}/${of})`,
              percentage: step / of,
              image: null,
            });
          },
        )
        .then(({ file }) => {
          item.image = file;
          this.changed(item, 'completed');
        });
    }
    return {
      queue_id: 'default',
      enqueued: ids.length,
      requested: ids.length,
      batch: { ...batch, batch_id: batchId },
      priority: 0,
      item_ids: ids,
    };
  }

  /** `GET …/status`: the queue's counts and whether it processes. */
  status() {
    const count = (status: Status) =>
      [...this.items.values()].filter(i => i.status === status).length;
    const current = [...this.items.values()].find(
      i => i.status === 'in_progress',
    );
    return {
      queue: {
        queue_id: 'default',
        item_id: current?.item_id ?? null,
        batch_id: current?.batch_id ?? null,
        session_id: current?.session_id ?? null,
        pending: count('pending'),
        in_progress: count('in_progress'),
        completed: count('completed'),
        failed: 0,
        canceled: 0,
        total: this.items.size,
      },
      processor: { is_started: true, is_processing: Boolean(current) },
    };
  }

  /** `GET …/i/<item>`: one queue item, or undefined. */
  item(id: string): Item | undefined {
    return this.items.get(Number(id));
  }

  /**
   * A socket.io client on its WebSocket: the Engine.IO open packet, then the
   * answers to its namespace connect (`40`) and `subscribe_queue` event.
   */
  connect(
    socket: Duplex,
    accept: (reply: (m: string) => string | undefined) => SendText | undefined,
  ) {
    const sid = randomUUID();
    const send = accept(message => {
      if (message === '40') return `40${JSON.stringify({ sid: randomUUID() })}`;
      if (message.startsWith('42')) {
        const [event] = JSON.parse(message.slice(2)) as [string, unknown];
        if (event === 'subscribe_queue') this.subscribers.add(send!);
        if (event === 'unsubscribe_queue') this.subscribers.delete(send!);
      }
      return undefined;
    });
    if (!send) return;
    send(
      `0${JSON.stringify({
        sid,
        upgrades: [],
        pingInterval: 25_000,
        pingTimeout: 20_000,
        maxPayload: 1_000_000,
      })}`,
    );
    const ping = setInterval(() => send('2'), 25_000);
    socket.once('close', () => {
      clearInterval(ping);
      this.subscribers.delete(send);
    });
  }

  private itemRef(item: Item) {
    return {
      queue_id: item.queue_id,
      item_id: item.item_id,
      batch_id: item.batch_id,
      origin: null,
      destination: null,
      session_id: item.session_id,
    };
  }

  private changed(item: Item, status: Status) {
    item.status = status;
    if (status === 'in_progress') item.started_at = now();
    if (status === 'completed') item.completed_at = now();
    const { queue } = this.status();
    this.emit('queue_item_status_changed', {
      ...this.itemRef(item),
      status,
      error_type: null,
      error_message: null,
      error_traceback: null,
      created_at: item.created_at,
      updated_at: now(),
      started_at: item.started_at,
      completed_at: item.completed_at,
      batch_status: { queue_id: 'default', batch_id: item.batch_id },
      queue_status: queue,
    });
  }

  private emit(event: string, data: object) {
    const packet = `42${JSON.stringify([event, data])}`;
    for (const send of this.subscribers) send(packet);
  }
}
