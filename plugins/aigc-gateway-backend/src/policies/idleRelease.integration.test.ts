import { TestDatabases } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  launchRunning,
  startGateway,
  waitForState,
} from '../__testUtils__/gateway';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('idle release in a running gateway', () => {
  it("releases an engine nobody uses, on Backstage's scheduler, and says why", async () => {
    const { backend, server, audits } = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 19130, to: 19132 },
      // Seconds instead of minutes, checked every second.
      idle: {
        timeoutMinutes: 0.05,
        warnMinutesBefore: 0.02,
        checkIntervalSeconds: 1,
      },
      features: [schedulerServiceFactory],
    });
    try {
      const id = await launchRunning(server);
      const released = await waitForState(server, id, 'released');
      // Audited as the gateway's own decision, with why.
      expect(audits).toContainEqual({
        eventId: 'idle-release',
        status: 'succeeded',
        meta: {
          actor: 'plugin:aigc-gateway',
          instanceId: id,
          detail: expect.stringMatching(/^idle for /),
          outcome: 'released',
        },
      });
      expect(
        released.events.map((e: { message: string }) => e.message),
      ).toContainEqual(
        expect.stringMatching(
          /^releasing: idle for \d+ seconds \(no use, no work in progress\)$/,
        ),
      );
    } finally {
      await backend.stop();
    }
  });
});
