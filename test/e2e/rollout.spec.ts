import { expect, Locator, test } from '@playwright/test';
import {
  SCREENSHOTS,
  authAs,
  GATEWAY_API,
  portalReady,
  scrape,
  signedIn,
  sum,
  waitForState,
} from './portal';

test.beforeAll(portalReady);

/** The views scroll inside the page: the part that matters is scrolled into sight first. */
async function shot(part: Locator, name: string) {
  // A view that re-renders as it polls may replace the part meanwhile: scroll to it again.
  await expect(async () => {
    await part.scrollIntoViewIfNeeded({ timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  await part.page().screenshot({ path: `${SCREENSHOTS}/${name}.png` });
}

test("carol rolls alice's engine from 1.0.0 to 2.0.0 in the Versions view, her image comes along, and rolls it back", async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const alice = await authAs('alice');

  // alice makes an image on 1.0.0 and releases the engine.
  const launched = await request.post(`${GATEWAY_API}/instances`, {
    headers: alice,
    data: {
      templateId: 'sample-engine',
      version: '1.0.0',
      name: 'rollout-e2e',
    },
  });
  expect(launched.status()).toBe(201);
  const id = (await launched.json()).id;
  await waitForState(request, alice, id, 'running');
  const made = await request.post(
    `${GATEWAY_API}/instances/${id}/proxy/sdapi/v1/txt2img`,
    {
      headers: alice,
      data: { prompt: 'a paper boat', seed: 11, steps: 2 },
    },
  );
  expect(made.status()).toBe(200);
  expect(
    (
      await request.post(`${GATEWAY_API}/instances/${id}/release`, {
        headers: alice,
      })
    ).status(),
  ).toBe(200);
  await waitForState(request, alice, id, 'released');

  try {
    // carol plans the rollout: the dry run names alice's instance and its migration.
    await signedIn(page, 'carol');
    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByLabel('Engine', { exact: true }).click();
    await page.getByRole('option', { name: 'Sample Engine' }).click();
    await page.getByLabel('From version').click();
    await page.getByRole('option', { name: /^1\.0\.0/ }).click();
    await page.getByLabel('To version').click();
    await page.getByRole('option', { name: '2.0.0 (active)' }).click();
    await page.getByRole('button', { name: 'Dry run' }).click();
    const planned = page.getByRole('row', { name: /rollout-e2e/ });
    await expect(planned).toContainText('user:default/alice');
    await expect(planned).toContainText('1 → 2');
    await expect(planned).toContainText('now');
    await shot(planned, 'rollout-01-dry-run');

    // She starts it and watches it finish.
    const done = { template: 'sample-engine', status: 'done' };
    const doneBefore = sum(
      await scrape(request),
      'aigc_gateway_rollout_instances',
      done,
    );
    await page.getByRole('button', { name: 'Start rollout' }).click();
    const rollout = page
      .getByTestId(/^rollout-[0-9a-f]{8}-/)
      .filter({ hasText: 'sample-engine 1.0.0 → 2.0.0' })
      .first();
    await expect(rollout.getByTestId('rollout-state')).toHaveText('completed', {
      timeout: 60_000,
    });
    await expect(
      rollout.getByRole('row', { name: /rollout-e2e/ }),
    ).toContainText('done');
    await expect(rollout).toContainText('1 switched, 0 failed, 0 skipped');
    await shot(rollout, 'rollout-02-completed');
    // The rollout's progress is among the metrics.
    expect(
      sum(await scrape(request), 'aigc_gateway_rollout_instances', done),
    ).toBe(doneBefore + 1);

    // alice's engine runs 2.0.0 with her image filed by day.
    expect((await waitForState(request, alice, id, 'released')).version).toBe(
      '2.0.0',
    );
    expect(
      (
        await request.post(`${GATEWAY_API}/instances/${id}/launch`, {
          headers: alice,
        })
      ).status(),
    ).toBe(200);
    await waitForState(request, alice, id, 'running');
    const outputs = await (
      await request.get(`${GATEWAY_API}/instances/${id}/proxy/outputs`, {
        headers: alice,
      })
    ).json();
    expect(outputs).toEqual([
      expect.stringMatching(/^outputs\/\d{4}-\d\d-\d\d\/.+\.png$/),
    ]);
    expect(
      (
        await request.post(`${GATEWAY_API}/instances/${id}/release`, {
          headers: alice,
        })
      ).status(),
    ).toBe(200);
    await waitForState(request, alice, id, 'released');

    // carol rolls it back.
    await rollout.getByRole('button', { name: 'Roll back' }).click();
    await expect(rollout.getByTestId('rollout-state')).toHaveText(
      'rolled-back',
      { timeout: 60_000 },
    );
    await expect(
      rollout.getByRole('row', { name: /rollout-e2e/ }),
    ).toContainText('1.0.0');
    await shot(rollout, 'rollout-03-rolled-back');
    expect((await waitForState(request, alice, id, 'released')).version).toBe(
      '1.0.0',
    );
  } finally {
    const removed = await request.delete(
      `${GATEWAY_API}/instances/${id}?deleteData=true`,
      { headers: alice },
    );
    expect(removed.status()).toBeLessThan(300);
  }
});
