/**
 * End-to-end test of the live page (packages/examples/web) in headless Chromium: it trains, the
 * cost falls, the tape agrees with the closed-form BP1–BP4, the controls rebuild the net, and
 * nothing is logged as an error. Needs `vite build` first (the test:browser script does it) and
 * a Chromium binary (Debian's at /usr/bin/chromium, or $CHROMIUM_PATH).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveStatic, type StaticServer } from './static-server.js';

const webOut = fileURLToPath(new URL('../out/web/', import.meta.url));
const screenshot = fileURLToPath(new URL('../out/browser.png', import.meta.url));
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Upper bound on any wait for the page; a bound, not a performance assertion. */
const WAIT_MS = 60_000;

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(`${webOut}index.html`))
    throw new Error(`No built page at ${webOut}; run "pnpm --filter @tapegrad/examples web:build" first.`);
  if (!existsSync(executablePath))
    throw new Error(`No Chromium at ${executablePath}; install Debian's "chromium" or set CHROMIUM_PATH.`);
  server = await serveStatic(webOut);
  browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page whose console errors and uncaught exceptions are collected, and which can reach only our server. */
async function openPage(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.route('**/*', (route) =>
    route.request().url().startsWith(server.url) ? route.continue() : route.abort(),
  );
  await page.goto(`${server.url}?${query}`);
  return { page, errors };
}

/** The data-* attributes of an element, as strings. */
async function attrs(page: Page, selector: string): Promise<Record<string, string>> {
  return page.$eval(selector, (el) => ({ ...(el as HTMLElement).dataset }) as Record<string, string>);
}

/** Waits until #status reports at least `steps` steps and #agreement has checked a batch after step 0. */
async function trainUntil(page: Page, steps: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const s = document.getElementById('status')?.dataset;
      const a = document.getElementById('agreement')?.dataset;
      return Number(s?.['steps']) >= n && Number(a?.['checkedAtStep']) > 0;
    },
    steps,
    { timeout: WAIT_MS, polling: 100 },
  );
}

describe('live backprop page in Chromium', () => {
  it('trains on two spirals: cost falls, tape agrees with BP1–BP4, no console errors', async () => {
    const { page, errors } = await openPage('dataset=spirals&hidden=16,16&lr=1&cost=bce&batch=10&seed=7&spf=10');
    await trainUntil(page, 2000);
    const status = await attrs(page, '#status');
    const agreement = await attrs(page, '#agreement');
    const first = Number(status['costFirst']);
    const last = Number(status['costLast']);
    // Logged so that CI output keeps the measured numbers, not only pass/fail.
    console.log(
      JSON.stringify({
        steps: Number(status['steps']),
        costFirst: first,
        costLast: last,
        accuracy: Number(status['accuracy']),
        worstRel: Number(agreement['worstRel']),
        checkedAtStep: Number(agreement['checkedAtStep']),
      }),
    );
    expect(Number.isFinite(first) && Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(0.5 * first);
    expect(agreement['status']).toBe('pass');
    expect(Number(agreement['worstRel'])).toBeLessThan(1e-10);
    expect(agreement['layers']).toBe('3');
    mkdirSync(fileURLToPath(new URL('../out/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('rebuilds the net from the controls (quadratic cost, one hidden layer) and still agrees', async () => {
    const { page, errors } = await openPage('dataset=circles&hidden=8,8&lr=2&cost=bce&seed=3&spf=10');
    await trainUntil(page, 100);
    await page.fill('#hidden', '6');
    await page.dispatchEvent('#hidden', 'change');
    await page.selectOption('#cost', 'quadratic');
    await page.waitForFunction(() => document.getElementById('agreement')?.dataset['layers'] === '2', undefined, {
      timeout: WAIT_MS,
    });
    await trainUntil(page, 1000);
    const status = await attrs(page, '#status');
    const agreement = await attrs(page, '#agreement');
    expect(await page.textContent('#status')).toContain('MLP 2–6–1');
    expect(Number(status['costLast'])).toBeLessThan(0.5 * Number(status['costFirst']));
    expect(agreement['status']).toBe('pass');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('ships a bundle with no Node-only code in it', () => {
    const dir = `${webOut}assets/`;
    const bundle = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(dir + f, 'utf8'))
      .join('\n');
    expect(bundle.length).toBeGreaterThan(0);
    expect(
      bundle.match(/\brequire\(|\bprocess\.(env|versions|platform|cwd)|\bBuffer\.|__dirname|["']node:[a-z_/]+["']/g) ??
        [],
    ).toEqual([]);
  });
});
