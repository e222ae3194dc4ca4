/**
 * Opens the gateway page of the adopter's app in Chromium (Playwright driving
 * Debian's Chromium), signed in with create-app's guest provider ("Enter"),
 * and saves a screenshot.
 *
 *   node browser.mts <app url> <text the page must show> <screenshot.png>
 *
 * Prints one JSON line {check, ok, ms, detail}; exit code 1 on failure (a
 * screenshot of the failing page is saved beside the wanted one).
 */
import { chromium } from '@playwright/test';
import { chromium as launchOptions } from '../e2e/chromium.ts';

const TIMEOUT = Number(process.env.AIGC_ADOPTER_BROWSER_TIMEOUT_MS ?? 120_000);

async function main([appUrl, expected, screenshot]: string[]) {
  if (!appUrl || !expected || !screenshot)
    throw new Error('usage: browser.mts <app url> <text> <screenshot.png>');
  const browser = await chromium.launch(launchOptions);
  const errors: string[] = [];
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
  });
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', e => errors.push(e.message));
  try {
    await page.goto(`${appUrl}/aigc-gateway`, { timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.getByText(expected).first().waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshot, fullPage: true });
    return `${page.url()} shows "${expected}"${
      errors.length ? `; page errors: ${errors.join(' | ')}` : ''
    }`;
  } catch (e) {
    await page
      .screenshot({
        path: screenshot.replace(/\.png$/, '-failed.png'),
        fullPage: true,
      })
      .catch(() => undefined);
    const body = await page
      .locator('body')
      .innerText()
      .catch(() => '');
    throw new Error(
      `${(e as Error).message.split('\n')[0]}; page text: ${body
        .replace(/\s+/g, ' ')
        .slice(0, 300)}${
        errors.length ? `; page errors: ${errors.join(' | ')}` : ''
      }`,
    );
  } finally {
    await browser.close();
  }
}

const started = Date.now();
main(process.argv.slice(2)).then(
  detail => {
    process.stdout.write(
      `${JSON.stringify({
        check: 'gateway page in Chromium',
        ok: true,
        ms: Date.now() - started,
        detail,
      })}\n`,
    );
  },
  e => {
    process.stdout.write(
      `${JSON.stringify({
        check: 'gateway page in Chromium',
        ok: false,
        ms: Date.now() - started,
        detail: String(e.message ?? e),
      })}\n`,
    );
    process.exit(1);
  },
);
