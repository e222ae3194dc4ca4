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

test('alice finds the engine in the catalog and launches it from its Engine tab', async ({ page, request }) => {
  test.setTimeout(240_000);
  await signIn(page, 'alice');
  await expect(page.getByTestId('signed-in-name')).toBeVisible();
  // In-app navigation: a reload would ask to sign in again.
  await page.evaluate(() => {
    window.history.pushState({}, '', '/catalog/default/component/sample-engine');
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
  await expect(page.getByRole('heading', { name: 'Sample Engine' }).first()).toBeVisible({ timeout: 60_000 });
  await page.getByText('Engine', { exact: true }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/sample-engine\/aigc-engine$/);
  await page.getByLabel('Name (optional)').fill('from-catalog');
  await page.getByRole('button', { name: 'Launch' }).click();
  await expect(page.getByTestId('launch-state')).toHaveText('running', { timeout: 60_000 });
  await expect(page.getByRole('cell', { name: 'from-catalog' })).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: `${SCREENSHOTS}/catalog-1-engine-tab.png`, fullPage: true });

  const alice = { authorization: `Bearer ${(await run('scripts/token.sh', ['alice'])).stdout.trim()}` };
  const mine = (await (await request.get(`${API}/instances`, { headers: alice })).json()).items;
  const instance = mine.find((i: { name: string }) => i.name === 'from-catalog');
  expect(instance.state).toBe('running');
  expect((await request.post(`${API}/instances/${instance.id}/release`, { headers: alice })).status()).toBe(200);
  expect((await request.delete(`${API}/instances/${instance.id}?deleteData=true`, { headers: alice })).status()).toBeLessThan(300);
});
