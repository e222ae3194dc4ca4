import { asUser } from './gateway';
import { GatewayProcess } from './startGatewayProcess';

/** Calls a gateway process's API as a user (alice by default). */
export async function callGateway(
  gateway: GatewayProcess,
  method: string,
  path: string,
  body?: unknown,
  user = 'alice',
) {
  const res = await fetch(`${gateway.baseUrl}/api/aigc-gateway${path}`, {
    method,
    headers: {
      authorization: asUser(user),
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: res.status === 204 ? undefined : await res.json(),
  };
}

/** Polls `probe` every 100 ms until it gives a value (20 s at most). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
