import { EngineKind } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { RuntimeEndpoint } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { EngineConnections } from '../gateway/EngineConnections';

/** Where each kind of engine says whether it is working, and how to read the answer. */
const probes: Record<
  EngineKind,
  { path?: string; busy: (body: any) => boolean }
> = {
  // Stable Diffusion WebUI: a job in progress or waiting.
  'sd-webui': {
    path: '/sdapi/v1/progress?skip_current_image=true',
    busy: body =>
      Number(body?.state?.job_count ?? 0) > 0 ||
      Number(body?.progress ?? 0) > 0,
  },
  // ComfyUI: prompts running or queued.
  comfyui: {
    path: '/queue',
    busy: body =>
      (body?.queue_running?.length ?? 0) + (body?.queue_pending?.length ?? 0) >
      0,
  },
  'generic-http': { busy: body => body?.busy === true },
};

/**
 * Asks the engine whether it is working. Undefined when it cannot tell (no
 * probe for it, or no answer in time): the caller then goes by activity alone.
 */
export async function engineBusy(
  kind: EngineKind,
  endpoint: RuntimeEndpoint,
  connections: Pick<EngineConnections, 'getJson'>,
  options: { probePath?: string; timeoutMs?: number } = {},
): Promise<boolean | undefined> {
  const probe = probes[kind];
  const path = options.probePath ?? probe.path;
  if (!path) return undefined;
  const body = await connections.getJson(
    endpoint,
    path,
    options.timeoutMs ?? 5000,
  );
  return body === undefined ? undefined : probe.busy(body);
}
