import { expect, Page, test } from '@playwright/test';
import {
  SCREENSHOTS,
  authAs,
  GATEWAY_API,
  goInApp,
  portalReady,
  removeInstance,
  signedIn,
  signIn,
} from './portal';

test.beforeAll(portalReady);

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });

/** Opens an engine from an Open button in a new tab. */
async function openEngine(
  page: Page,
  scope: Page | ReturnType<Page['locator']> = page,
) {
  const [engine] = await Promise.all([
    page.waitForEvent('popup'),
    scope.getByRole('button', { name: 'Open' }).click(),
  ]);
  await expect(
    engine.getByRole('heading', { name: /Sample Engine/ }),
  ).toBeVisible();
  // Its pages cannot reach back into the portal's tab.
  expect(await engine.evaluate(() => window.opener)).toBeNull();
  return engine;
}

test('the whole journey: alice from the catalog to her image and back, bob kept out, carol sees all and adds a version', async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(420_000);

  // alice finds the engine in the catalog and launches it from its Engine tab.
  await signedIn(page, 'alice');
  await goInApp(page, '/catalog/default/component/sample-engine');
  await expect(
    page.getByRole('heading', { name: 'Sample Engine' }).first(),
  ).toBeVisible({ timeout: 60_000 });
  await shot(page, 'journey-01-alice-catalog');
  await page.getByText('Engine', { exact: true }).click();
  await page.getByLabel('Name (optional)').fill('journey');
  await page.getByRole('button', { name: 'Launch' }).click();

  // She watches the progress until the engine answers.
  await expect(page.getByTestId('launch-state')).toHaveText('running', {
    timeout: 60_000,
  });
  await expect(
    page.getByRole('list', { name: 'launch progress' }),
  ).toContainText('running: answering');
  await shot(page, 'journey-02-alice-launched');

  // She opens it through the gateway and generates an image.
  const engine = await openEngine(
    page,
    page.getByTestId('launch-card-sample-engine'),
  );
  const engineUrl = engine.url();
  // At an origin of its own, the ticket already gone from the address bar.
  expect(engineUrl).toMatch(/^http:\/\/[0-9a-f-]{36}\.localhost:\d+\/$/);
  await engine.getByLabel('Prompt').fill('a lighthouse at dawn');
  await engine.getByRole('button', { name: 'Generate' }).click();
  await expect(engine.getByRole('status')).toContainText('Done', {
    timeout: 30_000,
  });
  await expect(engine.locator('#gallery img')).toHaveCount(1);
  await shot(engine, 'journey-03-alice-image');
  await engine.close();

  // She releases it from her instances on the Engine tab, and launches it again.
  const row = page.getByRole('row', { name: /journey/ });
  await row.getByRole('button', { name: 'Release' }).click();
  await expect(row).toContainText('released', { timeout: 30_000 });
  await shot(page, 'journey-04-alice-released');
  await row.getByRole('button', { name: 'Launch again' }).click();
  await expect(row.getByRole('button', { name: 'Open' })).toBeVisible({
    timeout: 60_000,
  });
  const again = await openEngine(page, row);
  await expect(again.locator('#gallery img')).toHaveCount(1);
  await shot(again, 'journey-05-alice-relaunched-image-kept');
  await again.close();

  // bob launches an engine of his own, then tries alice's address: a clear "not yours" page.
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, 'bob');
  await expect(bob.getByTestId('signed-in-name')).toHaveText('Bob Creator');
  await bob
    .getByTestId('launch-card-sample-engine')
    .getByRole('button', { name: 'Launch' })
    .click();
  await expect(bob.getByTestId('launch-state')).toHaveText('running', {
    timeout: 60_000,
  });
  (await openEngine(bob)).close();
  await bob.goto(engineUrl);
  await expect(
    bob.getByRole('heading', { name: 'This engine is not yours' }),
  ).toBeVisible();
  await expect(bob.getByText('a lighthouse at dawn')).toHaveCount(0);
  await shot(bob, 'journey-06-bob-not-yours');
  await bobContext.close();

  // carol, an admin, sees both users' instances.
  const carolContext = await browser.newContext();
  const carol = await carolContext.newPage();
  await signedIn(carol, 'carol');
  await carol.getByRole('tab', { name: 'All instances' }).click();
  await expect(
    carol.getByRole('cell', { name: 'user:default/alice' }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(
    carol.getByRole('cell', { name: 'user:default/bob' }),
  ).toBeVisible();
  await shot(carol, 'journey-07-carol-all-instances');

  // She creates version 2.1.0 with the "Create an engine version" template, picking from the gateway.
  await goInApp(carol, '/create');
  const card = carol
    .locator('.MuiCard-root')
    .filter({ hasText: 'Create an engine version' })
    .first();
  await expect(card).toBeVisible({ timeout: 60_000 });
  await card.getByRole('button', { name: 'Choose' }).click();
  await carol.getByLabel(/^Engine template/).click();
  await carol
    .getByRole('option', { name: 'Sample Engine (sample-engine)' })
    .click();
  await carol.getByLabel(/^Based on version/).click();
  await carol.getByRole('option', { name: '2.0.0 (active)' }).click();
  await carol.getByLabel(/^New version/).fill('2.1.0');
  await shot(carol, 'journey-08-carol-version-form');
  await carol.getByRole('button', { name: 'Next' }).click();
  await carol.getByRole('button', { name: 'Review' }).click();
  await carol.getByRole('button', { name: 'Create' }).click();
  await expect(
    carol.getByRole('link', { name: 'The version in the catalog' }),
  ).toBeVisible({ timeout: 60_000 });
  await shot(carol, 'journey-09-carol-version-created');

  // The version appears in the catalog and on the Launch view.
  await expect(async () => {
    await goInApp(carol, '/catalog/default/component/sample-engine-v2.1.0');
    await expect(
      carol
        .getByRole('heading', {
          name: /sample-engine-v2\.1\.0|Sample Engine 2\.1\.0/,
        })
        .first(),
    ).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  await shot(carol, 'journey-10-version-in-catalog');
  await goInApp(carol, '/aigc-gateway');
  await carol
    .getByTestId('launch-card-sample-engine')
    .getByLabel('Version')
    .click();
  await expect(
    carol.getByRole('option', { name: '2.1.0 (active)' }),
  ).toBeVisible();
  await shot(carol, 'journey-11-version-on-launch-view');
  await carolContext.close();

  // Leave nothing running for the other tests, and 2.0.0 the version launches default to.
  const retired = await request.patch(
    `${GATEWAY_API}/versions/sample-engine/2.1.0`,
    {
      headers: await authAs('carol'),
      data: { status: 'retired' },
    },
  );
  expect(retired.status()).toBe(200);
  for (const user of ['alice', 'bob']) {
    const headers = await authAs(user);
    const items = (
      await (await request.get(`${GATEWAY_API}/instances`, { headers })).json()
    ).items;
    for (const instance of items)
      await removeInstance(request, headers, instance.id);
  }
});
