import { expect, test } from '@playwright/test';
import { portalReady, SCREENSHOTS, signIn } from './portal';

test.beforeAll(portalReady);

for (const [user, displayName, group] of [
  ['alice', 'Alice Creator', 'group:default/creators-a'],
  ['bob', 'Bob Creator', 'group:default/creators-b'],
]) {
  test(`${user} signs in through the local OpenID provider and sees the gateway page`, async ({
    page,
  }) => {
    await signIn(page, user);
    await expect(page.getByTestId('signed-in-name')).toHaveText(displayName);
    await expect(page.getByTestId('signed-in-ref')).toHaveText(
      `user:default/${user}`,
    );
    await expect(page.getByText(`Groups: ${group}`)).toBeVisible();
    // The templates come from the backend, which reads app-config.yaml.
    await expect(page.getByText('Sample Engine')).toBeVisible();
    await expect(
      page.getByTestId('launch-card-sample-engine').getByLabel('Version'),
    ).toHaveText('2.0.0 (active)');
    await page.screenshot({
      path: `${SCREENSHOTS}/gateway-page-${user}.png`,
      fullPage: true,
    });
  });
}

test('a wrong password gets a clear error at the provider and no session', async ({
  page,
}) => {
  const popup = await signIn(page, 'alice', 'not-the-password');
  await expect(popup.getByRole('alert')).toHaveText(
    'Wrong user name or password.',
  );
  await popup.screenshot({ path: `${SCREENSHOTS}/wrong-password.png` });
  await popup.close();
  await expect(page.getByTestId('signed-in-name')).toHaveCount(0);
});
