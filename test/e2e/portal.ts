import { APIRequestContext, Browser, expect, Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const DEMO_PASSWORD = process.env.AIGC_DEV_IDP_PASSWORD ?? 'aigc-demo';
export const SCREENSHOTS = 'test-results/screenshots';

/**
 * The frontend dev server compiles after the backend is ready, and sign-in
 * works once the catalog has read the demo users: wait for all of it.
 */
async function waitForPortal(page: Page) {
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
export async function signIn(
  page: Page,
  user: string,
  password = DEMO_PASSWORD,
) {
  await page.goto('/aigc-gateway');
  const popupPromise = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign In' }).click();
  const popup = await popupPromise;
  await popup.getByLabel('User name').fill(user);
  await popup.getByLabel('Password').fill(password);
  await popup.getByRole('button', { name: 'Sign in' }).click();
  return popup;
}

/** Signs in through the portal's sign-in page and waits until the portal shows who is signed in. */
export async function signedIn(page: Page, user: string) {
  await signIn(page, user);
  await expect(page.getByTestId('signed-in-name')).toBeVisible();
}

/** The gateway's API, as the tests call it beside the browser. */
export const GATEWAY_API = 'http://localhost:7007/api/aigc-gateway';

/** Authorization headers of a user, from the real sign-in (`scripts/token.sh`). */
export async function authAs(user: string) {
  return {
    authorization: `Bearer ${(
      await run('scripts/token.sh', [user])
    ).stdout.trim()}`,
  };
}

/** Navigates inside the app: a reload would ask to sign in again. */
export async function goInApp(page: Page, path: string) {
  await page.evaluate(to => {
    window.history.pushState({}, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/**
 * Waits until the catalog holds an entity: the catalog takes in what the
 * gateway's provider gives it some time after the portal starts, and an
 * entity page that found nothing does not look again.
 */
export async function inCatalog(
  request: APIRequestContext,
  headers: Record<string, string>,
  ref: { kind: string; name: string },
) {
  await expect(async () => {
    const res = await request.get(
      `http://localhost:7007/api/catalog/entities/by-name/${ref.kind}/default/${ref.name}`,
      { headers },
    );
    expect(res.status()).toBe(200);
  }).toPass({ timeout: 180_000, intervals: [2_000] });
}

/** Releases an instance and deletes it with its data, so later tests start from a clean list. */
export async function removeInstance(
  request: APIRequestContext,
  headers: Record<string, string>,
  id: string,
) {
  expect(
    (
      await request.post(`${GATEWAY_API}/instances/${id}/release`, { headers })
    ).status(),
  ).toBe(200);
  expect(
    (
      await request.delete(`${GATEWAY_API}/instances/${id}?deleteData=true`, {
        headers,
      })
    ).status(),
  ).toBeLessThan(300);
}

/** Polls an instance, as the user of `headers`, until it is in `state`; its view then. */
export async function waitForState(
  request: APIRequestContext,
  headers: Record<string, string>,
  id: string,
  state: string,
) {
  await expect(async () => {
    const body = await (
      await request.get(`${GATEWAY_API}/instances/${id}`, { headers })
    ).json();
    expect(body.state).toBe(state);
  }).toPass({ timeout: 60_000, intervals: [500] });
  return (
    await request.get(`${GATEWAY_API}/instances/${id}`, { headers })
  ).json();
}

/** For `test.beforeAll`: waits until the portal serves pages and signs users in. */
export async function portalReady({ browser }: { browser: Browser }) {
  const page = await browser.newPage();
  await waitForPortal(page);
  await page.close();
}

/** Launches an instance through the API as the user of `headers`, and waits until it runs; its view then. */
export async function launch(
  request: APIRequestContext,
  headers: Record<string, string>,
  templateId: string,
  name: string,
): Promise<{ id: string; url: string; address: string }> {
  const res = await request.post(`${GATEWAY_API}/instances`, {
    headers,
    data: { templateId, name },
  });
  expect(res.status()).toBe(201);
  return waitForState(request, headers, (await res.json()).id, 'running');
}

/** The portal's Prometheus endpoint (packages/backend/src/instrumentation.js). */
export const METRICS_URL = 'http://localhost:9464/metrics';

/** Prometheus text as samples, by metric name and labels as it writes them. */
export function samplesOf(text: string) {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/** The samples of a scrape of the portal's metrics. */
export async function scrape(request: APIRequestContext) {
  const res = await request.get(METRICS_URL);
  expect(res.status()).toBe(200);
  return samplesOf(await res.text());
}

/** The sum of the samples of a metric whose labels include `labels`. */
export function sum(
  samples: Map<string, number>,
  name: string,
  labels: Record<string, string> = {},
) {
  let total = 0;
  for (const [key, value] of samples) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`)))
      total += value;
  }
  return total;
}
