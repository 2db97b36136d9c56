import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ROOT, startServer, type TestServer } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

/**
 * Debian's Chromium, headless, driven by playwright-core (which never downloads a browser).
 * The background-networking flags keep it from calling out on a closed network.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What serverAndBrowser gives a describe block: both set once its beforeAll has run. */
export type ServerAndBrowser = { server: TestServer; browser: Browser };

/**
 * The production server (startServer with `options`, its own database) and a headless Chromium
 * for the enclosing describe block: started together before its tests, then `prepare(server)`
 * (post the fixture stream, …); both stopped after its tests.
 */
export function serverAndBrowser(prepare?: (server: TestServer) => Promise<unknown>, options?: Parameters<typeof startServer>[0]): ServerAndBrowser {
  const live = {} as ServerAndBrowser;
  beforeAll(async () => {
    [live.server, live.browser] = await Promise.all([startServer(options), launchBrowser()]);
    await prepare?.(live.server);
  });
  afterAll(async () => {
    await live.browser?.close();
    await live.server?.stop();
  });
  return live;
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, `${name}.png`);
}

/** The value (or the unit line) of the figure tile labelled `label`, as a reader sees it. */
export async function tileText(page: Page, label: string, part: 'value' | 'unit' = 'value'): Promise<string | undefined> {
  return (await page.locator('.tile', { has: page.getByText(label, { exact: true }) }).locator(`.${part}`).textContent())?.trim();
}
