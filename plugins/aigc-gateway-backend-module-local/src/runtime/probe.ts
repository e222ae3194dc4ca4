import http from 'node:http';
import { RuntimeEndpoint } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** True when the engine answers `path` with a 2xx within `timeoutMs`, over its socket or port. */
export function answersOk(
  endpoint: RuntimeEndpoint,
  path: string,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.get(
      {
        ...(endpoint.socketPath
          ? { socketPath: endpoint.socketPath }
          : { host: endpoint.host, port: endpoint.port }),
        path,
        headers: { host: `${endpoint.host}:${endpoint.port}` },
        timeout: timeoutMs,
        agent: false,
      },
      res => {
        res.resume();
        resolve(res.statusCode! >= 200 && res.statusCode! < 300);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
