import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeEndpoint } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** Where the local runtime reaches an instance's engine (its sandbox's socket), from its process record. */
export function engineEndpoint(
  dataRoot: string,
  instanceId: string,
): RuntimeEndpoint {
  const record = JSON.parse(
    readFileSync(join(dataRoot, 'processes', `${instanceId}.json`), 'utf8'),
  );
  return {
    host: '127.0.0.1',
    port: record.port,
    socketPath: record.socketPath,
  };
}
