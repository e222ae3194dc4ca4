import net from 'node:net';
import { Agent, Dispatcher, Pool } from 'undici';
import { RuntimeEndpoint } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** Pools kept for engines on Unix sockets; beyond it the least recently used one closes. */
const MAX_SOCKET_POOLS = 512;

/**
 * No time limit of the gateway's own on an engine's answer: an SD WebUI API
 * call answers when its batch is done, a stream may pause while a model
 * loads, and undici's default (300 s for headers, and between body chunks)
 * would cut them. The client that waits decides how long.
 */
const POOL_OPTIONS = {
  connections: 256,
  keepAliveTimeout: 10_000,
  headersTimeout: 0,
  bodyTimeout: 0,
};

/**
 * Connections to engines, over TCP or the Unix socket of a sandboxed engine:
 * undici's pools for HTTP (on the proxy path they gave about twice the
 * throughput of node:http's client with a keep-alive agent), plain sockets
 * for upgrades.
 */
export class EngineConnections {
  private readonly tcp = new Agent(POOL_OPTIONS);
  private readonly sockets = new Map<string, Pool>();

  /** The dispatcher that reaches the engine, and the origin to give it. */
  http(endpoint: RuntimeEndpoint): { dispatcher: Dispatcher; origin: string } {
    const origin = `http://${endpoint.host}:${endpoint.port}`;
    const { socketPath } = endpoint;
    if (!socketPath) return { dispatcher: this.tcp, origin };
    let pool = this.sockets.get(socketPath);
    // Taken out and put back: the map's order is the order of last use.
    this.sockets.delete(socketPath);
    pool ??= new Pool(origin, { ...POOL_OPTIONS, socketPath });
    this.sockets.set(socketPath, pool);
    if (this.sockets.size > MAX_SOCKET_POOLS) {
      const [oldest, stale] = this.sockets.entries().next().value!;
      this.sockets.delete(oldest);
      // Requests under way finish first.
      void stale.close();
    }
    return { dispatcher: pool, origin };
  }

  /** A new connection to the engine, for an upgrade. */
  connect(endpoint: RuntimeEndpoint): net.Socket {
    return endpoint.socketPath
      ? net.connect(endpoint.socketPath)
      : net.connect(endpoint.port, endpoint.host);
  }

  /** The engine's answer to a GET, as text, or undefined when it gives no 2xx in time. */
  async getText(
    endpoint: RuntimeEndpoint,
    path: string,
    timeoutMs: number,
  ): Promise<string | undefined> {
    const { dispatcher, origin } = this.http(endpoint);
    try {
      const res = await dispatcher.request({
        origin,
        path,
        method: 'GET',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.statusCode < 200 || res.statusCode >= 300) {
        await res.body.dump();
        return undefined;
      }
      return await res.body.text();
    } catch {
      return undefined;
    }
  }

  /** Closes every connection; on backend shutdown. */
  async close() {
    const pools = [...this.sockets.values()];
    this.sockets.clear();
    await Promise.all([this.tcp.close(), ...pools.map(p => p.close())]);
  }
}
