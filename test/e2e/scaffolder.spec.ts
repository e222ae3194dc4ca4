import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SCREENSHOTS, signIn, waitForPortal } from './portal';

const run = promisify(execFile);
const API = 'http://localhost:7007/api/aigc-gateway';

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await waitForPortal(page);
  await page.close();
});

test('alice launches an engine with the "Launch an AIGC engine" scaffolder template', async ({ page, request }) => {
  test.setTimeout(240_000);
  await signIn(page, 'alice');
  await expect(page.getByTestId('signed-in-name')).toBeVisible();
  // In-app navigation: a reload would ask to sign in again.
  await page.evaluate(() => {
    window.history.pushState({}, '', '/create');
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
  const card = page.locator('article, .MuiCard-root').filter({ hasText: 'Launch an AIGC engine' }).first();
  await expect(card).toBeVisible({ timeout: 60_000 });
  await card.getByRole('button', { name: 'Choose' }).click();
  await page.getByLabel('Name').fill('from-scaffolder');
  await page.screenshot({ path: `${SCREENSHOTS}/scaffolder-1-form.png`, fullPage: true });
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('link', { name: 'Open the engine' })).toBeVisible({ timeout: 120_000 });
  await page.screenshot({ path: `${SCREENSHOTS}/scaffolder-2-done.png`, fullPage: true });

  // The instance is alice's, running; then leave nothing behind.
  const alice = { authorization: `Bearer ${(await run('scripts/token.sh', ['alice'])).stdout.trim()}` };
  const mine = (await (await request.get(`${API}/instances`, { headers: alice })).json()).items;
  const instance = mine.find((i: { name: string }) => i.name === 'from-scaffolder');
  expect(instance).toEqual(expect.objectContaining({ state: 'running', ownerRef: 'user:default/alice' }));
  expect((await request.post(`${API}/instances/${instance.id}/release`, { headers: alice })).status()).toBe(200);
  expect((await request.delete(`${API}/instances/${instance.id}?deleteData=true`, { headers: alice })).status()).toBeLessThan(300);
});
