import { expect, test } from '@playwright/test';
import { SCREENSHOTS, portalReady, signIn } from './portal';

test.beforeAll(portalReady);

test('alice launches an engine, generates an image, releases, relaunches, and the image is still there; bob cannot open it', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  await signIn(page, 'alice');
  await expect(page.getByText('Sample Engine')).toBeVisible();

  // Launch and watch the progress stream until the engine runs.
  await page.getByRole('button', { name: 'Launch' }).click();
  await expect(page.getByTestId('launch-state')).toHaveText('running', { timeout: 60_000 });
  await expect(page.getByRole('list', { name: 'launch progress' })).toContainText('running: answering');
  await page.screenshot({ path: `${SCREENSHOTS}/journey-1-launched.png`, fullPage: true });

  // Open it through the gateway in a new tab and generate an image.
  const [engine] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: 'Open' }).click(),
  ]);
  await expect(engine.getByRole('heading', { name: /Sample Engine/ })).toBeVisible();
  const engineUrl = engine.url();
  expect(engineUrl).toMatch(/\/api\/aigc-gateway\/instances\/[0-9a-f-]+\/proxy\/$/);
  await engine.getByLabel('Prompt').fill('a lighthouse at dawn');
  await engine.getByRole('button', { name: 'Generate' }).click();
  await expect(engine.getByRole('status')).toContainText('Done', { timeout: 30_000 });
  await expect(engine.locator('#gallery img')).toHaveCount(1);
  await engine.screenshot({ path: `${SCREENSHOTS}/journey-2-generated.png` });
  await engine.close();

  // bob, signed in elsewhere, opens alice's gateway URL and gets no engine.
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, 'bob');
  await expect(bob.getByTestId('signed-in-name')).toHaveText('Bob Creator');
  const forBob = await bob.request.get(engineUrl);
  expect(forBob.status()).toBeGreaterThanOrEqual(400);
  expect(await forBob.text()).not.toContain('Sample Engine');
  await bobContext.close();

  // Release, then launch again on the same volume.
  await page.getByRole('tab', { name: 'Instances', exact: true }).click();
  await page.getByRole('button', { name: 'Release' }).click();
  await expect(page.getByText('released')).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: `${SCREENSHOTS}/journey-3-released.png`, fullPage: true });
  await page.getByRole('button', { name: 'Launch again' }).click();
  await expect(page.getByRole('button', { name: 'Open' })).toBeVisible({ timeout: 60_000 });
  const [again] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: 'Open' }).click(),
  ]);
  await expect(again.locator('#gallery img')).toHaveCount(1);
  await again.screenshot({ path: `${SCREENSHOTS}/journey-4-relaunched-image-kept.png` });
  await again.close();

  // Leave nothing running.
  await page.getByRole('button', { name: 'Release' }).click();
  await expect(page.getByText('released')).toBeVisible({ timeout: 30_000 });
});
