import { RuntimeEndpoint } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { EngineConnections } from '../gateway/EngineConnections';

/** Reads an engine's answer as JSON; an answer that is not JSON is "cannot tell" (undefined). */
export function jsonAnswer<T>(
  read: (body: any) => T | undefined,
): (text: string) => T | undefined {
  return text => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return undefined;
    }
    return read(body);
  };
}

/**
 * Asks an engine at `path` and reads its answer; undefined when there is no
 * path to ask, no 2xx answer in time, or an answer `read` cannot tell from.
 */
export async function askEngine<T>(
  endpoint: RuntimeEndpoint,
  connections: Pick<EngineConnections, 'getText'>,
  path: string | undefined,
  read: (body: string) => T | undefined,
  timeoutMs = 5000,
): Promise<T | undefined> {
  if (!path) return undefined;
  const body = await connections.getText(endpoint, path, timeoutMs);
  return body === undefined ? undefined : read(body);
}
