import { expect, Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const DEMO_PASSWORD = process.env.AIGC_DEV_IDP_PASSWORD ?? 'aigc-demo';
export const SCREENSHOTS = 'test-results/screenshots';

/**
 * The frontend dev server compiles after the backend is ready, and sign-in
 * works once the catalog has read the demo users: wait for all of it.
 */
export async function waitForPortal(page: Page) {
  await expect(async () => {
    const res = await page.request.get('http://localhost:3000/');
    expect(res.ok()).toBe(true);
  }).toPass({ timeout: 300_000, intervals: [2_000] });
  await expect(async () => {
    await run('scripts/token.sh', ['carol']);
  }).toPass({ timeout: 120_000, intervals: [1_000] });
}

/**
 * Signs in through the portal's sign-in page: the OIDC popup shows the local
 * OpenID provider's form, which we fill in like a person would.
 */
export async function signIn(page: Page, user: string, password = DEMO_PASSWORD) {
  await page.goto('/aigc-gateway');
  const popupPromise = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign In' }).click();
  const popup = await popupPromise;
  await popup.getByLabel('User name').fill(user);
  await popup.getByLabel('Password').fill(password);
  await popup.getByRole('button', { name: 'Sign in' }).click();
  return popup;
}
