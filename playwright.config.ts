import { defineConfig } from '@playwright/test';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from './test/e2e/chromium';

/**
 * Browser tests against the portal exactly as `scripts/start.sh` starts it,
 * plus a hostile stand-in engine (`test/e2e/app-config.e2e.yaml`), driven in
 * Debian's Chromium. In CI the portal always starts fresh, on a throw-away
 * data folder.
 */
export const PORTAL_LOG = resolve(__dirname, 'test-results/e2e-portal.log');
mkdirSync(dirname(PORTAL_LOG), { recursive: true });

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'test-results/e2e-report' }],
  ],
  outputDir: 'test-results/e2e',
  webServer: {
    // Each package reads config paths from its own folder: absolute paths.
    // Its log is kept for a failed run: `scripts/test.sh` shows its errors.
    command: [
      'scripts/start.sh',
      ...['app-config.yaml', 'test/e2e/app-config.e2e.yaml'].map(
        file => `--config ${resolve(__dirname, file)}`,
      ),
      `> ${PORTAL_LOG}`,
    ].join(' '),
    // The backend answers readiness once every plugin has started.
    url: 'http://localhost:7007/.backstage/health/v1/readiness',
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
    // A clean stop lets the backend release and stop the engines it started.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    stderr: 'pipe',
    env: {
      AIGC_DATA_DIR: mkdtempSync(join(tmpdir(), 'aigc-e2e-')),
      BROWSER: 'none',
    },
  },
  use: {
    baseURL: 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: chromium,
  },
});
