import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineServer } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { engineBusy } from './busySignal';
import { EngineConnections } from '../gateway/EngineConnections';

jest.setTimeout(30_000);

describe('the engine busy signal, read from the sample engine', () => {
  it('is true while an image is being made and false before and after', async () => {
    const port = 19120;
    const engine = spawn(
      process.execPath,
      [
        engineServer,
        '--port',
        String(port),
        '--data',
        mkdtempSync(join(tmpdir(), 'aigc-busy-')),
        '--version',
        '2.0.0',
        '--step-ms',
        '100',
      ],
      { stdio: 'ignore' },
    );
    const connections = new EngineConnections();
    try {
      const endpoint = { host: '127.0.0.1', port };
      for (let i = 0; i < 100; i++) {
        if (
          (
            await fetch(`http://127.0.0.1:${port}/internal/ping`).catch(
              () => undefined,
            )
          )?.ok
        )
          break;
        await new Promise(r => setTimeout(r, 100));
      }
      expect(await engineBusy('sd-webui', endpoint, connections)).toBe(false);
      const making = fetch(`http://127.0.0.1:${port}/sdapi/v1/txt2img`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a slow lighthouse', steps: 20 }),
      });
      await new Promise(r => setTimeout(r, 300));
      expect(await engineBusy('sd-webui', endpoint, connections)).toBe(true);
      expect((await making).status).toBe(200);
      expect(await engineBusy('sd-webui', endpoint, connections)).toBe(false);
      // No engine there, or no probe for the kind: it cannot tell.
      expect(
        await engineBusy(
          'sd-webui',
          { host: '127.0.0.1', port: 9 },
          connections,
        ),
      ).toBeUndefined();
      expect(
        await engineBusy('generic-http', endpoint, connections),
      ).toBeUndefined();
    } finally {
      engine.kill();
      await connections.close();
    }
  });
});
