import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createEngine } from './server.ts';

async function start() {
  const dataDir = mkdtempSync(join(tmpdir(), 'engine-text-'));
  const { server } = createEngine({ dataDir, version: '2.0.0', stepMs: 5 });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise(r => server.close(r)) };
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test("streams Ollama's /api/generate as JSON lines, the last one done, and lists the model while it works", async () => {
  const engine = await start();
  try {
    const res = await post(`${engine.base}/api/generate`, {
      model: 'sample-text',
      prompt: 'a quiet harbour',
      options: { num_predict: 4 },
    });
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    assert.deepEqual(
      lines.map(l => l.response),
      ['a', ' quiet', ' harbour', ' a', ''],
    );
    assert.deepEqual(
      lines.map(l => l.done),
      [false, false, false, false, true],
    );
    assert.equal(lines[4].eval_count, 4);
    assert.equal(lines[4].done_reason, 'length');
    assert.deepEqual(await (await fetch(`${engine.base}/api/ps`)).json(), {
      models: [],
    });
    const whole = await (
      await post(`${engine.base}/api/generate`, {
        prompt: 'one two',
        stream: false,
        options: { num_predict: 3 },
      })
    ).json();
    assert.equal(whole.response, 'one two one');
    assert.equal(
      (await post(`${engine.base}/api/generate`, { prompt: ' ' })).status,
      422,
    );
  } finally {
    await engine.close();
  }
});

test('streams /v1/completions as server-sent events ending in [DONE], and counts completed requests in /metrics', async () => {
  const engine = await start();
  try {
    const res = await post(`${engine.base}/v1/completions`, {
      model: 'sample-text',
      prompt: 'lighthouse at dawn',
      max_tokens: 2,
      stream: true,
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const events = (await res.text()).trim().split('\n\n');
    assert.equal(events.at(-1), 'data: [DONE]');
    const chunks = events.slice(0, -1).map(e => JSON.parse(e.slice(6)));
    assert.deepEqual(
      chunks.map(c => [
        c.object,
        c.choices[0].text,
        c.choices[0].finish_reason,
      ]),
      [
        ['text_completion', 'lighthouse', null],
        ['text_completion', ' at', null],
        ['text_completion', '', 'length'],
      ],
    );
    const metrics = await (await fetch(`${engine.base}/metrics`)).text();
    assert.match(
      metrics,
      /^vllm:num_requests_running\{model_name="sample-text"\} 0\.0$/m,
    );
    assert.match(
      metrics,
      /^vllm:request_success_total\{finished_reason="length",model_name="sample-text"\} 1\.0$/m,
    );
    assert.equal(
      (
        await post(`${engine.base}/v1/completions`, {
          prompt: 'x',
          max_tokens: 0,
        })
      ).status,
      422,
    );
  } finally {
    await engine.close();
  }
});
