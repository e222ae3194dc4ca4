import { expect, test } from '@playwright/test';
import {
  SCREENSHOTS,
  authAs,
  GATEWAY_API,
  goInApp,
  inCatalog,
  portalReady,
  removeInstance,
  signedIn,
} from './portal';

test.beforeAll(portalReady);

test('alice finds the engine in the catalog and launches it from its Engine tab', async ({
  page,
  request,
}) => {
  test.setTimeout(420_000);
  const alice = await authAs('alice');
  await inCatalog(request, alice, { kind: 'component', name: 'sample-engine' });
  await signedIn(page, 'alice');
  await goInApp(page, '/catalog/default/component/sample-engine');
  await expect(
    page.getByRole('heading', { name: 'Sample Engine' }).first(),
  ).toBeVisible();
  await page.getByText('Engine', { exact: true }).click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/sample-engine\/aigc-engine$/,
  );
  await page.getByLabel('Name (optional)').fill('from-catalog');
  await page.getByRole('button', { name: 'Launch' }).click();
  await expect(page.getByTestId('launch-state')).toHaveText('running', {
    timeout: 60_000,
  });
  await expect(page.getByRole('cell', { name: 'from-catalog' })).toBeVisible({
    timeout: 30_000,
  });
  await page.screenshot({
    path: `${SCREENSHOTS}/catalog-1-engine-tab.png`,
    fullPage: true,
  });

  const mine = (
    await (
      await request.get(`${GATEWAY_API}/instances`, { headers: alice })
    ).json()
  ).items;
  const instance = mine.find(
    (i: { name: string }) => i.name === 'from-catalog',
  );
  expect(instance.state).toBe('running');

  // The instance's entity has Backstage's Kubernetes tab, found by its backstage.io/kubernetes-id.
  await expect(async () => {
    await goInApp(
      page,
      `/catalog/default/resource/aigc-instance-${instance.id}`,
    );
    await expect(page.getByText('Kubernetes', { exact: true })).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  await page.getByText('Kubernetes', { exact: true }).click();
  await expect(page).toHaveURL(
    new RegExp(
      `/catalog/default/resource/aigc-instance-${instance.id}/kubernetes$`,
    ),
  );
  await page.screenshot({
    path: `${SCREENSHOTS}/catalog-2-instance-kubernetes-tab.png`,
    fullPage: true,
  });
  await removeInstance(request, alice, instance.id);
});
