import http from 'node:http';
import { AddressInfo } from 'node:net';
import { TestDatabases } from '@backstage/backend-test-utils';
import { startWithAliceEngine } from '../__testUtils__/gateway';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Opens an instance's event stream; resolves with its status once headers arrive. */
function openStream(url: string, authorization: string) {
  return new Promise<{ status: number; body: Promise<string>; close(): void }>(
    (resolve, reject) => {
      const req = http.get(url, { headers: { authorization } }, res => {
        const body = new Promise<string>(done => {
          let text = '';
          res.on('data', chunk => (text += chunk));
          res.on('end', () => done(text));
          res.on('close', () => done(text));
        });
        resolve({ status: res.statusCode!, body, close: () => req.destroy() });
      });
      req.on('error', reject);
    },
  );
}

describe('event streams', () => {
  it('are bounded per user: past 16 open ones, a 429 that says so', async () => {
    const { backend, server, alice, id } = await startWithAliceEngine({
      databases,
      ports: { from: 18460, to: 18469 },
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/api/aigc-gateway/instances/${id}/events`;
    const open: Array<{ close(): void }> = [];
    try {
      for (let i = 0; i < 16; i++) {
        const stream = await openStream(url, alice);
        expect(stream.status).toBe(200);
        open.push(stream);
      }
      const refused = await openStream(url, alice);
      expect(refused.status).toBe(429);
      expect(JSON.parse(await refused.body).error.message).toBe(
        'user:default/alice has 16 event streams open, the most allowed; close some tabs of the portal',
      );
      // A closed stream frees its place.
      open.pop()!.close();
      await new Promise(r => setTimeout(r, 200));
      const again = await openStream(url, alice);
      expect(again.status).toBe(200);
      open.push(again);
    } finally {
      open.forEach(stream => stream.close());
      await backend.stop();
    }
  });
});
