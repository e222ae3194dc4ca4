import { expect, test } from '@playwright/test';
import {
  SCREENSHOTS,
  authAs,
  GATEWAY_API,
  launch,
  portalReady,
  removeInstance,
  signedIn,
  waitForState,
} from './portal';

test.beforeAll(portalReady);

test('a bookmark to an engine the idle policy released starts it: the progress page, then the engine at the bookmarked path', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const alice = await authAs('alice');
  const { id, address } = await launch(
    request,
    alice,
    'idle-sample-engine',
    'wake-e2e',
  );
  try {
    const bookmark = `${address}?from=bookmark`;
    await signedIn(page, 'alice');

    // She opens her engine once from its address, and leaves it.
    const first = await page.context().newPage();
    await first.goto(bookmark);
    await expect(
      first.getByRole('heading', { name: /^Sample Engine/ }),
    ).toBeVisible({ timeout: 30_000 });
    await first.close();

    // Unused, it is released by the idle policy.
    await waitForState(request, alice, id, 'released');
    const { events } = await (
      await request.get(`${GATEWAY_API}/instances/${id}`, { headers: alice })
    ).json();
    expect(JSON.stringify(events)).toContain('idle');

    // The bookmark: the gateway's progress page, then the engine, at the path she kept.
    const again = await page.context().newPage();
    await again.goto(bookmark);
    await expect(
      again.getByRole('heading', {
        name: 'Starting Quickly Idle Engine on This machine',
      }),
    ).toBeVisible();
    await again.screenshot({ path: `${SCREENSHOTS}/wake-progress.png` });
    await expect(
      again.getByRole('heading', { name: /^Sample Engine/ }),
    ).toBeVisible({ timeout: 60_000 });
    expect(again.url()).toBe(bookmark);
    await again.screenshot({ path: `${SCREENSHOTS}/wake-engine.png` });
  } finally {
    await removeInstance(request, alice, id);
  }
});
