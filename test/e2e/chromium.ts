import type { LaunchOptions } from '@playwright/test';

/** Debian's Chromium, kept from calling home: there is no network here but loopback. */
export const chromium: LaunchOptions = {
  executablePath: process.env.AIGC_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
