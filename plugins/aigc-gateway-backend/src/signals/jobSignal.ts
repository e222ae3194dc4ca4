import { EngineKind } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { RuntimeEndpoint } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { EngineConnections } from '../gateway/EngineConnections';
import { askEngine, jsonAnswer as json } from './engineAnswers';
import { prometheusSums } from './prometheusText';

const count = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? value
    : undefined;

/**
 * How each kind of engine tells how many jobs it has completed since it
 * started: a counter of its own, read by the gateway, or (for engines whose
 * API answers when the job is done and that keep no count) the job requests
 * the gateway proxies that are answered in full with success.
 */
const signals: Record<
  EngineKind,
  | {
      counter: {
        path?: string;
        read: (body: string) => number | undefined;
        /** Whether the engine counts from zero at each start (else it keeps its count). */
        fromZero: boolean;
      };
    }
  | { requests: { method: string; path: RegExp } }
> = {
  // Stable Diffusion WebUI (AUTOMATIC1111, Forge) keeps no count: its API calls that make images.
  'sd-webui': {
    requests: {
      method: 'POST',
      path: /^\/sdapi\/v1\/(txt2img|img2img|extra-single-image|extra-batch-images)$/,
    },
  },
  // ComfyUI: prompts in its history that completed (its history keeps the last 10,000).
  comfyui: {
    counter: {
      path: '/history',
      read: json(body =>
        body && typeof body === 'object' && !Array.isArray(body)
          ? Object.values(body).filter(
              (entry: any) => entry?.status?.completed === true,
            ).length
          : undefined,
      ),
      fromZero: true,
    },
  },
  // InvokeAI: completed items of its default session queue, kept in its database across starts.
  invokeai: {
    counter: {
      path: '/api/v1/queue/default/status',
      read: json(body => count(body?.queue?.completed)),
      fromZero: false,
    },
  },
  // Ollama keeps no count: its generations and chats.
  ollama: { requests: { method: 'POST', path: /^\/api\/(generate|chat)$/ } },
  // vLLM: its counter of requests that finished successfully.
  vllm: {
    counter: {
      path: '/metrics',
      read: text => prometheusSums(text).get('vllm:request_success_total'),
      fromZero: true,
    },
  },
  // Any other engine: `jobsCompleted` beside `busy` at the template's busyProbePath.
  'generic-http': {
    counter: {
      read: json(body => count(body?.jobsCompleted)),
      fromZero: true,
    },
  },
};

/** Whether a proxied request of this method and engine path is a job of an engine of this kind. */
export function isJobRequest(
  kind: EngineKind,
  method: string | undefined,
  path: string,
): boolean {
  const signal = signals[kind];
  if (!('requests' in signal)) return false;
  return (
    method === signal.requests.method &&
    signal.requests.path.test(path.split('?', 1)[0])
  );
}

/** Whether a proxied request could be a job of an engine of any kind: the proxy's cheap first test. */
export function isAnyJobRequest(
  method: string | undefined,
  path: string,
): boolean {
  return (Object.keys(signals) as EngineKind[]).some(kind =>
    isJobRequest(kind, method, path),
  );
}

/** Whether engines of this kind keep a completed-job counter the gateway reads. */
export function hasJobCounter(kind: EngineKind): boolean {
  return 'counter' in signals[kind];
}

/** Whether engines of this kind count from zero at each start. */
export function countsFromZero(kind: EngineKind): boolean {
  const signal = signals[kind];
  return 'counter' in signal && signal.counter.fromZero;
}

/**
 * The engine's own completed-job counter; undefined when it keeps none or
 * cannot tell (no answer in time, or not the answer of its kind).
 */
export async function engineJobCount(
  kind: EngineKind,
  endpoint: RuntimeEndpoint,
  connections: Pick<EngineConnections, 'getText'>,
  options: { probePath?: string; timeoutMs?: number } = {},
): Promise<number | undefined> {
  const signal = signals[kind];
  if (!('counter' in signal)) return undefined;
  return askEngine(
    endpoint,
    connections,
    options.probePath ?? signal.counter.path,
    signal.counter.read,
    options.timeoutMs,
  );
}
