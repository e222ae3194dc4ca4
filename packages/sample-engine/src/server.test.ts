import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createEngine } from './server.ts';
import { migrate } from './migrate.ts';

async function start(dataDir: string, version: string) {
  const { server } = createEngine({ dataDir, version, stepMs: 5 });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise(r => server.close(r)) };
}

const txt2img = (base: string, body: unknown) =>
  fetch(`${base}/sdapi/v1/txt2img`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('generates the same image for the same prompt and seed, and keeps it in its data folder', async () => {
  const data = mkdtempSync(join(tmpdir(), 'engine-'));
  const engine = await start(data, '2.0.0');
  try {
    assert.equal((await fetch(`${engine.base}/internal/ping`)).status, 200);
    const a = await (
      await txt2img(engine.base, {
        prompt: 'a cat',
        seed: 7,
        steps: 3,
        width: 32,
        height: 32,
      })
    ).json();
    const b = await (
      await txt2img(engine.base, {
        prompt: 'a cat',
        seed: 7,
        steps: 3,
        width: 32,
        height: 32,
      })
    ).json();
    const c = await (
      await txt2img(engine.base, {
        prompt: 'a dog',
        seed: 7,
        steps: 3,
        width: 32,
        height: 32,
      })
    ).json();
    assert.equal(a.images[0], b.images[0]);
    assert.notEqual(a.images[0], c.images[0]);
    assert.equal(
      Buffer.from(a.images[0], 'base64').subarray(1, 4).toString(),
      'PNG',
    );
    const outputs = await (await fetch(`${engine.base}/outputs`)).json();
    assert.equal(outputs.length, 3);
    assert.match(outputs[0], /^outputs\/\d{4}-\d{2}-\d{2}\/.+\.png$/);
    const image = await fetch(`${engine.base}/${outputs[0]}`);
    assert.equal(image.headers.get('content-type'), 'image/png');
  } finally {
    await engine.close();
  }
});

test('reports progress while it works', async () => {
  const data = mkdtempSync(join(tmpdir(), 'engine-'));
  const engine = await start(data, '2.0.0');
  try {
    const pending = txt2img(engine.base, {
      prompt: 'slow',
      seed: 1,
      steps: 40,
      width: 16,
      height: 16,
    });
    await new Promise(r => setTimeout(r, 60));
    const busy = await (await fetch(`${engine.base}/sdapi/v1/progress`)).json();
    assert.equal(busy.state.job_count, 1);
    assert.equal(busy.state.sampling_steps, 40);
    await pending;
    const idle = await (await fetch(`${engine.base}/sdapi/v1/progress`)).json();
    assert.equal(idle.state.job_count, 0);
  } finally {
    await engine.close();
  }
});

test('bad input is a 422 naming the problem', async () => {
  const engine = await start(mkdtempSync(join(tmpdir(), 'engine-')), '2.0.0');
  try {
    for (const [body, detail] of [
      [{}, 'prompt must be a non-empty string of at most 2000 characters'],
      [{ prompt: 'x', steps: 0 }, 'steps must be an integer from 1 to 150'],
      [
        { prompt: 'x', width: 'wide' },
        'width must be an integer from 16 to 1024',
      ],
    ] as const) {
      const res = await txt2img(engine.base, body);
      assert.equal(res.status, 422);
      assert.deepEqual(await res.json(), { detail });
    }
    const traversal = await fetch(
      `${engine.base}/outputs/..%2F..%2Fetc%2Fpasswd`,
    );
    assert.equal(traversal.status, 404);
  } finally {
    await engine.close();
  }
});

test('version 2 refuses layout-1 data until it is migrated, and the migration keeps every output', async () => {
  const data = mkdtempSync(join(tmpdir(), 'engine-'));
  const v1 = await start(data, '1.0.0');
  await txt2img(v1.base, {
    prompt: 'old',
    seed: 3,
    steps: 1,
    width: 16,
    height: 16,
  });
  await txt2img(v1.base, {
    prompt: 'older',
    seed: 4,
    steps: 1,
    width: 16,
    height: 16,
  });
  await v1.close();
  const flat = readdirSync(join(data, 'outputs'));
  assert.equal(flat.length, 2);
  utimesSync(
    join(data, 'outputs', flat[0]),
    new Date('2026-01-02T10:00:00Z'),
    new Date('2026-01-02T10:00:00Z'),
  );

  assert.throws(
    () => createEngine({ dataDir: data, version: '2.0.0', stepMs: 1 }),
    /layout 1; engine 2.0.0 needs layout 2/,
  );
  assert.deepEqual(migrate(data, 2), { from: 1, moved: 2 });
  assert.deepEqual(migrate(data, 2), { from: 2, moved: 0 });

  const v2 = await start(data, '2.0.0');
  try {
    const outputs: string[] = await (await fetch(`${v2.base}/outputs`)).json();
    assert.equal(outputs.length, 2);
    assert.ok(outputs.includes(`outputs/2026-01-02/${flat[0]}`));
  } finally {
    await v2.close();
  }

  assert.deepEqual(migrate(data, 1), { from: 2, moved: 2 });
  assert.deepEqual(readdirSync(join(data, 'outputs')).sort(), [...flat].sort());
});

test('a folder that never made an output migrates both ways', () => {
  const data = mkdtempSync(join(tmpdir(), 'engine-'));
  assert.deepEqual(migrate(data, 2), { from: undefined, moved: 0 });
  assert.deepEqual(migrate(data, 1), { from: 2, moved: 0 });
  assert.deepEqual(readdirSync(data), []);
});

test('answers on its WebSocket live channel', async () => {
  const engine = await start(mkdtempSync(join(tmpdir(), 'engine-')), '2.0.0');
  try {
    const ws = new WebSocket(`${engine.base.replace('http', 'ws')}/queue/join`);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.onopen = () => ws.send('hello');
      ws.onmessage = e => resolve(String(e.data));
      ws.onerror = () => reject(new Error('websocket failed'));
    });
    assert.deepEqual(JSON.parse(reply), {
      echo: 'hello',
      jobCount: 0,
      step: 0,
      steps: 0,
    });
    ws.close();
  } finally {
    await engine.close();
  }
});
