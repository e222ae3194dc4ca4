import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { expect, Page, test } from '@playwright/test';
import {
  SCREENSHOTS,
  authAs,
  goInApp,
  launch,
  portalReady,
  removeInstance,
  signedIn,
} from './portal';

test.beforeAll(portalReady);

interface Attempt {
  ok: boolean;
  value?: any;
  error?: string;
}

/** Opens alice's instance `name` with its Open button on the Instances tab. */
async function openFromPortal(page: Page, name: string) {
  await goInApp(page, '/aigc-gateway');
  await page.getByRole('tab', { name: 'Instances', exact: true }).click();
  const [engine] = await Promise.all([
    page.waitForEvent('popup'),
    page
      .getByRole('row', { name: new RegExp(name) })
      .getByRole('button', { name: 'Open' })
      .click(),
  ]);
  await engine.waitForLoadState();
  return engine;
}

/** What the hostile page's attempts got, once it has tried them all. */
async function results(page: Page): Promise<Record<string, any>> {
  await expect(page.locator('#results[data-done="true"]')).toBeAttached({
    timeout: 30_000,
  });
  return JSON.parse((await page.locator('#results').textContent())!);
}

/** The engine's address an instance's sign-in URL leads to. */
const engineUrlOf = (instance: { url: string }) =>
  new URL(new URL(instance.url).searchParams.get('rd')!);

test.describe('engine pages are hostile code', () => {
  let alice: Record<string, string>;
  let sibling: { id: string; url: string };
  let hostile: { id: string; url: string };

  test.beforeAll(async ({ request }) => {
    alice = await authAs('alice');
    sibling = await launch(request, alice, 'sample-engine', 'sibling-e2e');
    hostile = await launch(request, alice, 'hostile-engine', 'hostile-e2e');
  });

  test.afterAll(async ({ request }) => {
    for (const instance of [sibling, hostile])
      if (instance) await removeInstance(request, alice, instance.id);
  });

  test("a hostile engine's page reaches neither the portal's session nor another engine, while it works for its owner", async ({
    page,
    context,
  }) => {
    test.setTimeout(240_000);
    // Signed in once, alice stays signed in across a reload: the provider
    // issued a refresh token, which Backstage keeps in its own cookie.
    await signedIn(page, 'alice');
    const portalCookies = async () =>
      (await context.cookies()).filter(c => c.domain === 'localhost');
    expect((await portalCookies()).map(c => c.name)).toContain(
      'oidc-refresh-token',
    );
    await page.reload();
    await expect(page.getByTestId('signed-in-name')).toHaveText(
      'Alice Creator',
      { timeout: 30_000 },
    );

    // Her own engine next to the hostile one, opened as she would.
    const siblingPage = await openFromPortal(page, 'sibling-e2e');
    await expect(
      siblingPage.getByRole('heading', { name: /Sample Engine/ }),
    ).toBeVisible();
    const engine = await openFromPortal(page, 'hostile-e2e');
    const first = await results(engine);
    await engine.screenshot({ path: `${SCREENSHOTS}/hostile-engine.png` });

    // The engine works for its owner: its own API, WebSocket and cookie.
    expect(first.ownApi).toEqual({
      ok: true,
      value: { status: 200, body: '{"done":true}' },
    });
    expect(first.ownWebSocket).toEqual({ ok: true, value: 'echo ping' });
    expect(first.documentCookie).toContain('engine-pref=dark');
    expect(first.serverSaw.value.body).toContain('engine-pref=dark');
    for (const secret of ['aigc-gateway', 'backstage-auth', 'oidc'])
      expect(first.serverSaw.value.body).not.toContain(secret);
    // Nothing else: no session in reach of scripts, no way back to the portal's tab.
    expect(first.documentCookie).not.toContain('aigc-gateway');
    expect(first.opener).toBe('null');
    expect((first.serviceWorker as Attempt).ok).toBe(false);
    expect(context.serviceWorkers()).toHaveLength(0);
    for (const call of ['portalApi', 'portalCatalog', 'authRefresh'])
      expect({ call, ...first[call] }).toMatchObject({ call, ok: false });
    // A request the page cannot read back gives it nothing.
    expect(first.authRefreshNoCors).toEqual({
      ok: true,
      value: { type: 'opaque', body: '' },
    });
    expect(first.portalCookie).toBe(false);

    // Against alice's other engine, with her session for it in the browser.
    const siblingHost = engineUrlOf(sibling).host;
    await engine.goto(
      `${engineUrlOf(hostile).origin}/?sibling=${encodeURIComponent(
        siblingHost,
      )}`,
    );
    const second = await results(engine);
    expect(second.siblingCookie).toBe(false);
    for (const call of ['siblingFetch', 'siblingRead', 'siblingWebSocket'])
      expect({ call, ...second[call] }).toMatchObject({ call, ok: false });

    // What the browser holds: no cookie of the engine's on the portal or the
    // other engine, and the engine's forged session did not replace the gateway's.
    const stray = ['hostile-portal', 'hostile-sibling', 'engine-wide'];
    for (const cookie of await context.cookies())
      if (cookie.domain !== new URL(engineUrlOf(hostile)).hostname)
        expect(stray).not.toContain(cookie.name);
    const sessions = (await context.cookies(engineUrlOf(hostile).origin))
      .filter(c => c.name === 'aigc-gateway-session')
      .map(c => c.value);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).not.toBe('forged');

    // The other engine still serves alice, and the portal still knows her.
    await siblingPage.reload();
    await expect(
      siblingPage.getByRole('heading', { name: /Sample Engine/ }),
    ).toBeVisible();
    await expect(page.getByTestId('signed-in-name')).toHaveText(
      'Alice Creator',
    );
  });

  test("a page of another site cannot drive alice's engine with her session: form posts, fetches and WebSockets are refused", async ({
    page,
    context,
  }) => {
    test.setTimeout(180_000);
    await signedIn(page, 'alice');
    const engine = await openFromPortal(page, 'sibling-e2e');
    await expect(
      engine.getByRole('heading', { name: /Sample Engine/ }),
    ).toBeVisible();
    const outputs = () =>
      engine.evaluate(async () => (await fetch('/outputs')).json());
    const before = await outputs();

    const target = engineUrlOf(sibling).origin;
    const evil = await serveCrossSitePage(target);
    try {
      const attacker = await context.newPage();
      const statuses: number[] = [];
      attacker.on('response', res => {
        if (res.url().startsWith(target)) statuses.push(res.status());
      });
      await attacker.goto(evil.url);
      const got = await results(attacker);
      await attacker.screenshot({ path: `${SCREENSHOTS}/cross-site-page.png` });
      for (const call of ['corsFetch', 'webSocket'])
        expect({ call, ...got[call] }).toMatchObject({ call, ok: false });
      expect(got.noCorsPost).toEqual({
        ok: true,
        value: { type: 'opaque', body: '' },
      });
      // Every request that reached the gateway was refused there.
      expect(statuses.length).toBeGreaterThan(0);
      for (const status of statuses) expect([401, 403]).toContain(status);
      // And the engine did no work for it.
      expect(await outputs()).toEqual(before);
    } finally {
      await evil.close();
    }
  });
});

/**
 * A page of another site on loopback (`127.0.0.1`, another origin and site
 * than `*.localhost`) that tries to drive the engine at `target`: a form post
 * whose `text/plain` body is valid JSON, a `no-cors` POST, a reading fetch
 * with credentials and a WebSocket.
 */
async function serveCrossSitePage(target: string) {
  const ws = target.replace(/^http/, 'ws');
  const html = `<!doctype html><html><head><title>Another site</title></head><body>
<h1>Another site</h1>
<iframe name="sink" title="sink"></iframe>
<form id="forge" method="post" enctype="text/plain" target="sink"
  action="${target}/sdapi/v1/txt2img">
  <input name='{"prompt":"forged by a form","steps":1,"x":"' value='"}'>
</form>
<pre id="results">running</pre>
<script>
(async () => {
  const attempt = async run => {
    try { return { ok: true, value: await run() }; }
    catch (error) { return { ok: false, error: String(error) }; }
  };
  const sunk = new Promise(resolve => document.querySelector('iframe').onload = resolve);
  document.getElementById('forge').submit();
  await sunk;
  const results = {
    noCorsPost: await attempt(async () => {
      const res = await fetch('${target}/sdapi/v1/txt2img', { method: 'POST', mode: 'no-cors',
        credentials: 'include', headers: { 'content-type': 'text/plain' },
        body: '{"prompt":"forged by a fetch","steps":1}' });
      return { type: res.type, body: await res.text() };
    }),
    corsFetch: await attempt(async () => (await fetch('${target}/outputs', { credentials: 'include' })).text()),
    webSocket: await attempt(() => new Promise((resolve, reject) => {
      const socket = new WebSocket('${ws}/queue/join');
      socket.onopen = () => socket.send('forged');
      socket.onmessage = event => resolve(String(event.data));
      socket.onerror = () => reject(new Error('WebSocket refused'));
    })),
  };
  const out = document.getElementById('results');
  out.textContent = JSON.stringify(results);
  out.dataset.done = 'true';
})();
</script></body></html>`;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}
