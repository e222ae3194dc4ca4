import { EngineKind } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { engineJobCount, isAnyJobRequest, isJobRequest } from './jobSignal';

describe('completed-job signals of each kind of engine', () => {
  const answering = (text: string | undefined) => ({
    getText: async () => text,
  });
  const endpoint = { host: '127.0.0.1', port: 1 };

  it.each([
    // Answers in the shapes the engines give (where from, named).
    // ComfyUI: server.py, GET /history; entries still running have no status.
    [
      'comfyui',
      '{"a":{"prompt":[0,"a",{},{},["9"]],"outputs":{},"status":{"status_str":"success","completed":true,"messages":[]}},"b":{"prompt":[1,"b",{},{},["9"]],"outputs":{},"status":{"status_str":"error","completed":false,"messages":[]}}}',
      1,
    ],
    ['comfyui', '{}', 0],
    // InvokeAI 6.13.8: SessionQueueAndProcessorStatus of GET /api/v1/queue/default/status.
    [
      'invokeai',
      '{"queue":{"queue_id":"default","pending":0,"in_progress":0,"completed":5,"failed":1,"canceled":0,"total":6},"processor":{"is_started":true,"is_processing":false}}',
      5,
    ],
    // vLLM: vllm/v1/metrics/loggers.py (0.11), a counter per finished reason.
    [
      'vllm',
      '# TYPE vllm:request_success_total counter\nvllm:request_success_total{engine="0",finished_reason="stop",model_name="m"} 7.0\nvllm:request_success_total{engine="0",finished_reason="length",model_name="m"} 2.0\n',
      9,
    ],
    // Any other engine: jobsCompleted beside busy.
    ['generic-http', '{"busy":false,"jobsCompleted":12}', 12],
    // Not the answer of the kind (another engine, another version): cannot tell.
    ['comfyui', '[1,2]', undefined],
    ['invokeai', '{"queue":{}}', undefined],
    ['vllm', 'vllm:num_requests_running 0\n', undefined],
    ['generic-http', '{"busy":false,"jobsCompleted":-1}', undefined],
    ['comfyui', 'not json', undefined],
    ['invokeai', undefined, undefined],
  ] as Array<[EngineKind, string | undefined, number | undefined]>)(
    '%s: %s gives %s',
    async (kind, answer, expected) => {
      expect(
        await engineJobCount(kind, endpoint, answering(answer), {
          probePath: kind === 'generic-http' ? '/busy' : undefined,
        }),
      ).toBe(expected);
    },
  );

  it('reads no counter of engines that keep none; their job requests are counted instead', async () => {
    const answer = answering('{"anything":1}');
    expect(await engineJobCount('sd-webui', endpoint, answer)).toBeUndefined();
    expect(await engineJobCount('ollama', endpoint, answer)).toBeUndefined();
    expect(isJobRequest('sd-webui', 'POST', '/sdapi/v1/txt2img')).toBe(true);
    expect(isJobRequest('sd-webui', 'POST', '/sdapi/v1/img2img?x=1')).toBe(
      true,
    );
    expect(isJobRequest('sd-webui', 'GET', '/sdapi/v1/txt2img')).toBe(false);
    expect(isJobRequest('sd-webui', 'POST', '/sdapi/v1/progress')).toBe(false);
    expect(isJobRequest('ollama', 'POST', '/api/chat')).toBe(true);
    expect(isJobRequest('ollama', 'POST', '/api/ps')).toBe(false);
    // A path of one kind's job is no job of another kind.
    expect(isJobRequest('comfyui', 'POST', '/api/generate')).toBe(false);
    expect(isAnyJobRequest('POST', '/api/generate')).toBe(true);
    expect(isAnyJobRequest('POST', '/prompt')).toBe(false);
  });
});
