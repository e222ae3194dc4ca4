import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleGatewayConfig } from './gateway';

/**
 * What a kill -9 test of version switches runs a gateway process on: a
 * SQLite file and data root in a new folder, switches taken for dead after
 * 1 s, and version 3.0.0 (data layout 3) whose migration from layout 2 is
 * `script`, run with Node on the volume's folder (`DATA_DIR`).
 */
export function switchCrashSetup(options: {
  prefix: string;
  ports: { from: number; to: number };
  script: string;
}) {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  const dataRoot = join(dir, 'engines');
  const config: any = sampleGatewayConfig({
    dataRoot,
    ports: options.ports,
    probeIntervalMs: 100,
  });
  config.aigcGateway.versionSwitch = { staleAfterSeconds: 1 };
  config.aigcGateway.runtime.local.engines['layout-3-migration'] = {
    command: '${node}',
    args: ['-e', options.script],
  };
  config.aigcGateway.templates[0].versions.push({
    ...config.aigcGateway.templates[0].versions[1],
    version: '3.0.0',
    dataLayout: 3,
    migrations: [
      {
        fromLayout: 2,
        toLayout: 3,
        local: { engine: 'layout-3-migration' },
      },
    ],
  });
  return { db: join(dir, 'gateway.sqlite'), dataRoot, config };
}
