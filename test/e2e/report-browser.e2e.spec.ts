import { existsSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type Browser } from 'playwright-core';
import { createApiApp } from '../support/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { paidReport } from '../support/paid-report.js';
import { waitFor } from '../support/wait.js';

/**
 * Opens /r/:token in a real browser (Debian's chromium, installed by .ci/run) and prints it.
 * Where no browser is installed the test is skipped by name, never silently passed.
 */
/** Runs in the browser, where the DOM exists (this project compiles without the DOM lib). */
declare const getComputedStyle: (el: unknown) => { color: string };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  console.warn(`SKIPPED "report page in a browser": no browser at ${CHROMIUM} (set CHROMIUM_PATH)`);

describeWithBrowser('report page in a browser (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = await app.getUrl();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
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
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), worker?.close()]);
    await db?.drop();
  });

  it('renders the report with its stylesheet, no console or CSP errors, and prints to PDF', async () => {
    const { token } = await paidReport(app);
    await waitFor(async () =>
      (await app.inject({ url: `/api/v1/reports/${token}/status` })).json().status === 'completed'
        ? true
        : undefined,
    );
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const response = await page.goto(`${base}/r/${token}`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').first().textContent()).toContain('Michael');
    // the Doctor tier's 18 sections, and the "Your data" section under them
    expect(await page.locator('section:not(#your-data)').count()).toBe(18);
    expect(await page.locator('section#your-data').count()).toBe(1);
    // The inline stylesheet applied (allowed by its CSP hash): headings take the accent colour.
    const colour = await page
      .locator('h2')
      .first()
      .evaluate((el) => getComputedStyle(el).color);
    expect(colour).toBe('rgb(141, 43, 11)');
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(problems).toEqual([]);
    await page.close();
  });
});
