import net, { AddressInfo } from 'node:net';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { asUser, startGateway, waitForState } from '../__testUtils__/gateway';
import { ownersOnlyPolicy } from '../testUtils';
import { talk } from '../__testUtils__/webSocket';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('WebSocket proxy', () => {
  it("lets the owner through, refuses others, bounds a user's open WebSockets, and closes on release", async () => {
    const gateway = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18600, to: 18609 },
      features: [mockServices.permissions.mock(ownersOnlyPolicy).factory],
    });
    const { server } = gateway;
    try {
      const { body } = await request(server)
        .post('/api/aigc-gateway/instances')
        .set('Authorization', asUser('alice'))
        .send({ templateId: 'sample-engine' });
      await waitForState(server, body.id, 'running');
      // Any plain request lets the plugin find the server to take upgrades from.
      await request(server)
        .get('/api/aigc-gateway/templates')
        .set('Authorization', asUser('alice'));

      const { port } = server.address() as AddressInfo;
      const url = `ws://127.0.0.1:${port}/api/aigc-gateway/instances/${body.id}/proxy/queue/join`;
      const alice = await talk(
        url,
        { authorization: asUser('alice') },
        { keepOpen: true },
      );
      expect(alice.reply).toEqual({
        echo: 'hello',
        jobCount: 0,
        step: 0,
        steps: 0,
      });

      expect((await talk(url, { authorization: asUser('bob') })).status).toBe(
        404,
      );
      expect((await talk(url, { authorization: 'Bearer forged' })).status).toBe(
        401,
      );
      const encoded = await talk(url.replace('/queue/join', '/queue%2fjoin'), {
        authorization: asUser('alice'),
      });
      expect(encoded.status).toBe(400);
      // A dot segment is resolved by the client, leaving a path that is not a proxy path.
      const dotted = await talk(
        url.replace('/queue/join', '/%2e%2e/%2e%2e/x'),
        { authorization: asUser('alice') },
      );
      expect(dotted.status).toBe(404);

      // Each user holds a bounded number: past 64 open ones, a 429.
      const held = [alice.socket!];
      for (let i = 1; i < 64; i++) {
        const more = await talk(
          url,
          { authorization: asUser('alice') },
          { keepOpen: true },
        );
        expect(more.socket).toBeDefined();
        held.push(more.socket!);
      }
      expect((await talk(url, { authorization: asUser('alice') })).status).toBe(
        429,
      );
      await Promise.all(
        held.slice(1).map(
          ws =>
            new Promise(resolve => {
              ws.on('close', resolve);
              ws.close();
            }),
        ),
      );
      const closed = new Promise(resolve => alice.socket!.on('close', resolve));
      await request(server)
        .post(`/api/aigc-gateway/instances/${body.id}/release`)
        .set('Authorization', asUser('alice'))
        .expect(200);
      const started = Date.now();
      await closed;
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await gateway.backend.stop();
    }
  }, 60_000);

  it('passes nothing more of the client on when the engine answers an upgrade without switching protocols', async () => {
    // An engine that answers every request with its path and keeps the connection.
    const gateway = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18610, to: 18619 },
      engines: {
        'plain-http': {
          command: '${node}',
          args: [
            '-e',
            "require('http').createServer((q, s) => s.end(q.url)).listen(+process.env.PORT, '127.0.0.1')",
          ],
        },
      },
      extra: {
        templates: [
          {
            id: 'plain-http',
            title: 'Plain HTTP',
            owner: 'group:default/aigc-admins',
            kind: 'generic-http',
            versions: [
              {
                version: '1.0.0',
                pools: ['local'],
                runtime: { local: { engine: 'plain-http' } },
              },
            ],
          },
        ],
      },
    });
    const { server } = gateway;
    try {
      const { body } = await request(server)
        .post('/api/aigc-gateway/instances')
        .set('Authorization', asUser('alice'))
        .send({ templateId: 'plain-http' });
      await waitForState(server, body.id, 'running');
      const { port } = server.address() as AddressInfo;
      const proxy = `/api/aigc-gateway/instances/${body.id}/proxy`;
      // An upgrade, and in the same packet a request the gateway would refuse.
      const answer = await new Promise<string>((resolve, reject) => {
        let received = '';
        const socket = net.connect(port, '127.0.0.1', () =>
          socket.write(
            [
              `GET ${proxy}/first HTTP/1.1`,
              'Host: gateway',
              `Authorization: ${asUser('alice')}`,
              'Connection: Upgrade',
              'Upgrade: websocket',
              'Sec-WebSocket-Version: 13',
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
              '',
              'GET /second%2f..%2fsecret HTTP/1.1',
              'Host: engine',
              '',
              '',
            ].join('\r\n'),
          ),
        );
        socket.on('data', chunk => (received += chunk));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
        setTimeout(() => {
          socket.destroy();
          resolve(received);
        }, 3000);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(answer).toContain('/first');
      expect(answer).not.toContain('/second');
    } finally {
      await gateway.backend.stop();
    }
  }, 60_000);
});
