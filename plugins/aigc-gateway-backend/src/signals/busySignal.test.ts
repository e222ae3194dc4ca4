import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineServer } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { engineBusy } from './busySignal';
import { EngineConnections } from '../gateway/EngineConnections';

jest.setTimeout(30_000);

describe('the engine busy signal, read from the sample engine', () => {
  it('is true while an image is being made and false before and after', async () => {
    const port = 19120;
    const engine = spawn(
      process.execPath,
      [
        engineServer,
        '--port',
        String(port),
        '--data',
        mkdtempSync(join(tmpdir(), 'aigc-busy-')),
        '--version',
        '2.0.0',
        '--step-ms',
        '100',
      ],
      { stdio: 'ignore' },
    );
    const connections = new EngineConnections();
    try {
      const endpoint = { host: '127.0.0.1', port };
      for (let i = 0; i < 100; i++) {
        if (
          (
            await fetch(`http://127.0.0.1:${port}/internal/ping`).catch(
              () => undefined,
            )
          )?.ok
        )
          break;
        await new Promise(r => setTimeout(r, 100));
      }
      expect(await engineBusy('sd-webui', endpoint, connections)).toBe(false);
      const making = fetch(`http://127.0.0.1:${port}/sdapi/v1/txt2img`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a slow lighthouse', steps: 20 }),
      });
      await new Promise(r => setTimeout(r, 300));
      expect(await engineBusy('sd-webui', endpoint, connections)).toBe(true);
      expect((await making).status).toBe(200);
      expect(await engineBusy('sd-webui', endpoint, connections)).toBe(false);
      // No engine there, or no probe for the kind: it cannot tell.
      expect(
        await engineBusy(
          'sd-webui',
          { host: '127.0.0.1', port: 9 },
          connections,
        ),
      ).toBeUndefined();
      expect(
        await engineBusy('generic-http', endpoint, connections),
      ).toBeUndefined();

      // Its Ollama and OpenAI-compatible (vLLM) subsets, while a text streams and after.
      expect(await engineBusy('ollama', endpoint, connections)).toBe(false);
      expect(await engineBusy('vllm', endpoint, connections)).toBe(false);
      const streaming = fetch(`http://127.0.0.1:${port}/api/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          prompt: 'a slow poem',
          options: { num_predict: 5 },
        }),
      }).then(res => res.text());
      await new Promise(r => setTimeout(r, 200));
      expect(await engineBusy('ollama', endpoint, connections)).toBe(true);
      expect(await engineBusy('vllm', endpoint, connections)).toBe(true);
      await streaming;
      expect(await engineBusy('ollama', endpoint, connections)).toBe(false);
      expect(await engineBusy('vllm', endpoint, connections)).toBe(false);
    } finally {
      engine.kill();
      await connections.close();
    }
  });
});

describe('busy signals of each kind of engine', () => {
  const answering = (text: string | undefined) => ({
    getText: async () => text,
  });
  const endpoint = { host: '127.0.0.1', port: 1 };

  it.each([
    // Answers in the shapes the engines give (where from, named), busy and idle.
    // AUTOMATIC1111 1.10 and Forge: modules/api/models.py, ProgressResponse.
    [
      'sd-webui',
      '{"progress":0.4,"eta_relative":2.1,"state":{"job_count":1},"current_image":null}',
      true,
    ],
    [
      'sd-webui',
      '{"progress":0.0,"eta_relative":0.0,"state":{"job_count":0},"current_image":null}',
      false,
    ],
    // ComfyUI: server.py, GET /queue.
    [
      'comfyui',
      '{"queue_running":[[0,"id",{},{},[]]],"queue_pending":[]}',
      true,
    ],
    ['comfyui', '{"queue_running":[],"queue_pending":[]}', false],
    // InvokeAI 6.13.8: SessionQueueAndProcessorStatus of GET /api/v1/queue/default/status.
    [
      'invokeai',
      '{"queue":{"queue_id":"default","item_id":null,"batch_id":null,"session_id":null,"pending":2,"in_progress":1,"completed":5,"failed":0,"canceled":0,"total":8},"processor":{"is_started":true,"is_processing":true}}',
      true,
    ],
    [
      'invokeai',
      '{"queue":{"queue_id":"default","pending":0,"in_progress":0,"completed":5,"failed":0,"canceled":0,"total":5},"processor":{"is_started":true,"is_processing":false}}',
      false,
    ],
    // Ollama 0.5: docs/api.md, GET /api/ps.
    [
      'ollama',
      '{"models":[{"name":"llama3.2:latest","model":"llama3.2:latest","size":3355443200,"expires_at":"2024-06-04T14:38:31.83753-07:00","size_vram":3355443200}]}',
      true,
    ],
    ['ollama', '{"models":[]}', false],
    // vLLM: vllm/v1/metrics/loggers.py (0.11), and the V0 engine's labels.
    [
      'vllm',
      '# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{engine="0",model_name="m"} 0.0\nvllm:num_requests_waiting{engine="0",model_name="m"} 1.0\n',
      true,
    ],
    [
      'vllm',
      'vllm:num_requests_running{model_name="m"} 0.0\nvllm:num_requests_waiting{model_name="m"} 0.0\n',
      false,
    ],
    ['generic-http', '{"busy":true}', true],
  ] as const)('%s: %s is busy: %s', async (kind, answer, busy) => {
    expect(
      await engineBusy(kind, endpoint, answering(answer), { probePath: '/p' }),
    ).toBe(busy);
  });

  it.each([
    ['sd-webui', '{}'],
    ['sd-webui', 'null'],
    ['comfyui', '{"queue_running":[]}'],
    ['invokeai', '{"queue":{"pending":"2"}}'],
    ['ollama', '{"models":null}'],
    ['ollama', '<html>Open WebUI</html>'],
    ['vllm', '# no samples\n'],
    ['vllm', '{"running":1}'],
    ['generic-http', '{"busy":"yes"}'],
  ] as const)(
    '%s: cannot tell from %s, which is not idle',
    async (kind, answer) => {
      expect(
        await engineBusy(kind, endpoint, answering(answer), {
          probePath: '/p',
        }),
      ).toBeUndefined();
    },
  );
});
