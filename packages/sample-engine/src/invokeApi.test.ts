import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createEngine } from './server.ts';

const QUEUE = '/api/v1/queue/default';

/** A text-to-image graph as InvokeAI's UI builds it, cut to the nodes the stand-in reads. */
const graph = {
  id: 'g1',
  nodes: {
    prompt: { id: 'prompt', type: 'compel', prompt: 'a harbour at dawn' },
    denoise: { id: 'denoise', type: 'denoise_latents', steps: 6 },
    l2i: { id: 'l2i', type: 'l2i' },
  },
  edges: [],
};

test("queues a batch, reports progress on socket.io and counts it completed in the queue's status", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'engine-invoke-'));
  const { server } = createEngine({ dataDir, version: '2.0.0', stepMs: 5 });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  try {
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/ws/socket.io/?EIO=4&transport=websocket`,
    );
    const packets: string[] = [];
    const completed = new Promise<void>(resolve =>
      ws.addEventListener('message', ({ data }) => {
        const packet = String(data);
        packets.push(packet);
        if (packet.startsWith('0')) ws.send('40');
        if (packet.startsWith('40'))
          ws.send('42["subscribe_queue",{"queue_id":"default"}]');
        if (packet.includes('"status":"completed"')) resolve();
      }),
    );
    await new Promise(r => setTimeout(r, 50));
    const res = await fetch(`${base}${QUEUE}/enqueue_batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ batch: { graph, runs: 1 }, prepend: false }),
    });
    assert.equal(res.status, 200);
    const queued = await res.json();
    assert.equal(queued.enqueued, 1);
    const [itemId] = queued.item_ids;
    await completed;
    ws.close();

    const events = packets
      .filter(p => p.startsWith('42'))
      .map(p => JSON.parse(p.slice(2)) as [string, any]);
    const progress = events.filter(([e]) => e === 'invocation_progress');
    assert.equal(progress.length, 6);
    assert.equal(progress.at(-1)![1].percentage, 1);
    assert.equal(progress.at(-1)![1].item_id, itemId);
    assert.deepEqual(
      events
        .filter(([e]) => e === 'queue_item_status_changed')
        .map(([, d]) => d.status),
      ['in_progress', 'completed'],
    );
    const status = await (await fetch(`${base}${QUEUE}/status`)).json();
    assert.deepEqual(
      [status.queue.pending, status.queue.in_progress, status.queue.completed],
      [0, 0, 1],
    );
    assert.equal(status.processor.is_processing, false);
    const item = await (await fetch(`${base}${QUEUE}/i/${itemId}`)).json();
    assert.equal(item.status, 'completed');

    const refused = await fetch(`${base}${QUEUE}/enqueue_batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ batch: { graph: { nodes: {} } } }),
    });
    assert.equal(refused.status, 422);
  } finally {
    await new Promise(r => server.close(r));
  }
});
