import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  asUser,
  launchRunning,
  startGateway,
  waitForState,
} from '../__testUtils__/gateway';
import { ownersOnlyPolicy } from '../testUtils';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const page = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('what a browser sees when the gateway will not open an engine', () => {
  it("shows bob a clear page for alice's engine, and alice one for her released engine", async () => {
    const { backend, server } = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18980, to: 18984 },
      features: [mockServices.permissions.mock(ownersOnlyPolicy).factory],
    });
    try {
      const id = await launchRunning(server);
      const proxy = `/api/aigc-gateway/instances/${id}/proxy/`;

      const own = await request(server)
        .get(proxy)
        .set('Authorization', asUser('alice'))
        .set('Accept', page);
      expect(own.status).toBe(200);
      expect(own.text).toContain('Sample Engine');

      const bob = await request(server)
        .get(proxy)
        .set('Authorization', asUser('bob'))
        .set('Accept', page);
      expect(bob.status).toBe(404);
      expect(bob.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(bob.text).toContain('<h1>This engine is not yours</h1>');
      expect(bob.text).toContain('each instance opens only for its owner');
      expect(bob.text).not.toContain('Sample Engine');

      // A script calling the engine's API gets the JSON error as before.
      const script = await request(server)
        .get(`${proxy}sdapi/v1/progress`)
        .set('Authorization', asUser('bob'));
      expect(script.status).toBe(404);
      expect(script.body.error.message).toBe(
        `instance ${id} does not exist or is not yours`,
      );

      await request(server)
        .post(`/api/aigc-gateway/instances/${id}/release`)
        .set('Authorization', asUser('alice'));
      await waitForState(server, id, 'released');
      const released = await request(server)
        .get(proxy)
        .set('Authorization', asUser('alice'))
        .set('Accept', page);
      expect(released.status).toBe(409);
      expect(released.text).toContain('<h1>This engine is not running</h1>');
      expect(released.text).toContain('href="/aigc-gateway"');
    } finally {
      await backend.stop();
    }
  });
});
