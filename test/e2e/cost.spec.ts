import { expect, test } from '@playwright/test';
import {
  SCREENSHOTS,
  authAs,
  GATEWAY_API,
  goInApp,
  portalReady,
  removeInstance,
  signIn,
} from './portal';

test.beforeAll(portalReady);

test("carol sees alice's engine time on the Cost tab and on the group's AIGC cost tab; bob sees only his own", async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(240_000);
  // alice runs an engine for a few seconds, through the API.
  const alice = await authAs('alice');
  const launched = await request.post(`${GATEWAY_API}/instances`, {
    headers: alice,
    data: { templateId: 'sample-engine', name: 'cost' },
  });
  expect(launched.status()).toBeLessThan(300);
  const { id } = await launched.json();
  await expect(async () => {
    expect(
      (
        await (
          await request.get(`${GATEWAY_API}/instances/${id}`, {
            headers: alice,
          })
        ).json()
      ).state,
    ).toBe('running');
  }).toPass({ timeout: 60_000 });
  await page.waitForTimeout(3_000);
  // Deleted, it leaves the other browser tests a clean Instances list; its usage stays in the ledger.
  await removeInstance(request, alice, id);

  await signIn(page, 'carol');
  await page.getByRole('tab', { name: 'Cost' }).click();
  await expect(page.getByTestId('cost-total')).toContainText('USD');
  await expect(page.getByText('By user')).toBeVisible();
  await expect(
    page.getByRole('cell', { name: 'user:default/alice' }),
  ).toBeVisible();
  await expect(page.getByTestId('cost-total')).not.toHaveText('0.00 USD');
  await expect(
    page.getByTestId('cost-chart').locator('.recharts-surface'),
  ).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/cost-1-admin-cost-tab.png`,
    fullPage: true,
  });

  await goInApp(page, '/catalog/default/group/creators-a/aigc-cost');
  await expect(page.getByText('AIGC cost').first()).toBeVisible();
  await expect(
    page.getByRole('cell', { name: 'user:default/alice' }),
  ).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/cost-2-group-entity-tab.png`,
    fullPage: true,
  });

  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, 'bob');
  await bob.getByRole('tab', { name: 'Cost' }).click();
  await expect(bob.getByText('Only your own usage is shown.')).toBeVisible();
  await expect(bob.getByText('By user')).toBeVisible();
  await expect(
    bob.getByRole('cell', { name: 'user:default/alice' }),
  ).toHaveCount(0);
  await bob.screenshot({
    path: `${SCREENSHOTS}/cost-3-own-cost-only.png`,
    fullPage: true,
  });
  await bobContext.close();
});
