import { EngineKind } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { RuntimeEndpoint } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { EngineConnections } from '../gateway/EngineConnections';
import { askEngine, jsonAnswer as json } from './engineAnswers';
import { prometheusSums } from './prometheusText';

/**
 * Where each kind of engine says whether it is working, and how to read the
 * answer: true or false, or undefined when the answer is not what the engine
 * gives (another engine, another version), which counts as "cannot tell",
 * never as idle.
 */
const probes: Record<
  EngineKind,
  { path?: string; busy: (body: string) => boolean | undefined }
> = {
  // Stable Diffusion WebUI (AUTOMATIC1111, Forge): a job in progress or waiting.
  'sd-webui': {
    path: '/sdapi/v1/progress?skip_current_image=true',
    busy: json(body => {
      const jobs = body?.state?.job_count;
      if (typeof jobs !== 'number' || typeof body?.progress !== 'number')
        return undefined;
      return jobs > 0 || body.progress > 0;
    }),
  },
  // ComfyUI: prompts running or queued.
  comfyui: {
    path: '/queue',
    busy: json(body =>
      Array.isArray(body?.queue_running) && Array.isArray(body?.queue_pending)
        ? body.queue_running.length + body.queue_pending.length > 0
        : undefined,
    ),
  },
  // InvokeAI: items of its default session queue pending or in progress.
  invokeai: {
    path: '/api/v1/queue/default/status',
    busy: json(body => {
      const queue = body?.queue;
      if (
        typeof queue?.pending !== 'number' ||
        typeof queue?.in_progress !== 'number'
      )
        return undefined;
      return queue.pending + queue.in_progress > 0;
    }),
  },
  // Ollama: a model loaded, which it keeps for keep_alive (5 minutes by default) after its last request.
  ollama: {
    path: '/api/ps',
    busy: json(body =>
      Array.isArray(body?.models) ? body.models.length > 0 : undefined,
    ),
  },
  // vLLM's OpenAI-compatible server: requests running or waiting, from its Prometheus metrics.
  vllm: {
    path: '/metrics',
    busy: text => {
      const sums = prometheusSums(text);
      const running = sums.get('vllm:num_requests_running');
      const waiting = sums.get('vllm:num_requests_waiting');
      if (running === undefined && waiting === undefined) return undefined;
      return (running ?? 0) + (waiting ?? 0) > 0;
    },
  },
  // Any other engine: JSON with `busy: true` while it works, at the template's busyProbePath.
  'generic-http': {
    busy: json(body =>
      typeof body?.busy === 'boolean' ? body.busy : undefined,
    ),
  },
};

/**
 * Asks the engine whether it is working. Undefined when it cannot tell (no
 * probe for it, or no answer in time): the caller then goes by activity alone.
 */
export async function engineBusy(
  kind: EngineKind,
  endpoint: RuntimeEndpoint,
  connections: Pick<EngineConnections, 'getText'>,
  options: { probePath?: string; timeoutMs?: number } = {},
): Promise<boolean | undefined> {
  const probe = probes[kind];
  return askEngine(
    endpoint,
    connections,
    options.probePath ?? probe.path,
    probe.busy,
    options.timeoutMs,
  );
}
