import { defineConfig } from '@playwright/test';
import { chromium } from '../e2e/chromium';
import { PORTAL } from './stack';

/**
 * The production test (run.sh): a journey through nginx to two replicas of
 * the built backend, one of them killed on the way.
 */
export default defineConfig({
  testDir: __dirname,
  timeout: 600_000,
  expect: { timeout: 30_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: '../../test-results/production/playwright',
  use: {
    baseURL: PORTAL,
    actionTimeout: 60_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: chromium,
  },
});
