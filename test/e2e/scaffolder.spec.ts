import { expect, test } from '@playwright/test';
import {
  SCREENSHOTS,
  authAs,
  GATEWAY_API,
  goInApp,
  portalReady,
  removeInstance,
  signedIn,
} from './portal';

test.beforeAll(portalReady);

test('alice launches an engine with the "Launch an AIGC engine" scaffolder template', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  await signedIn(page, 'alice');
  await goInApp(page, '/create');
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Launch an AIGC engine' })
    .first();
  await expect(card).toBeVisible({ timeout: 60_000 });
  await card.getByRole('button', { name: 'Choose' }).click();
  // The form's pickers read the gateway: engines, versions, pools with live room and price.
  await page.getByLabel(/^Engine template/).click();
  await page
    .getByRole('option', { name: 'Sample Engine (sample-engine)' })
    .click();
  await page.getByLabel(/^Version/).click();
  await expect(
    page.getByRole('option', { name: '2.0.0 (active)' }),
  ).toBeVisible();
  await page.getByRole('option', { name: 'The newest active version' }).click();
  await page.getByLabel(/^GPU pool/).click();
  await expect(
    page.getByRole('option', {
      name: /^This machine — \d+ of 4 free, 0\.20 USD\/h$/,
    }),
  ).toBeVisible();
  await page.keyboard.press('Escape');
  await page.getByLabel('Name').fill('from-scaffolder');
  await page.screenshot({
    path: `${SCREENSHOTS}/scaffolder-1-form.png`,
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('link', { name: 'Open the engine' })).toBeVisible(
    { timeout: 120_000 },
  );
  await page.screenshot({
    path: `${SCREENSHOTS}/scaffolder-2-done.png`,
    fullPage: true,
  });

  // The instance is alice's, running; then leave nothing behind.
  const alice = await authAs('alice');
  const mine = (
    await (
      await request.get(`${GATEWAY_API}/instances`, { headers: alice })
    ).json()
  ).items;
  const instance = mine.find(
    (i: { name: string }) => i.name === 'from-scaffolder',
  );
  expect(instance).toEqual(
    expect.objectContaining({
      state: 'running',
      ownerRef: 'user:default/alice',
    }),
  );
  await removeInstance(request, alice, instance.id);
});
