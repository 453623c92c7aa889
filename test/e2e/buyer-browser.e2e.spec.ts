import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

/**
 * A buyer from nothing, in a real browser (Debian's chromium through playwright-core): the landing
 * page → the calculator's four steps → the targets → a tier → the sandbox checkout → the report →
 * its PDF. Once in metric with JavaScript on, once in imperial with JavaScript off (the pages have
 * no script: both must work). The resume link is taken from /dev/mail and opened on "another
 * device". Every page is scanned with axe-core (0 serious or critical violations) and captured at
 * 390 px and 1280 px wide into artifacts/browser/. Skipped by name where no browser is installed.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`SKIPPED "a buyer in a browser": no browser at ${CHROMIUM}`);

const ARTIFACTS = resolve(process.cwd(), 'artifacts/browser');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

describeWithBrowser('a buyer from nothing, in a browser (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let browser: Browser;
  let base: string;
  const scanned = new Map<string, AxeViolation[]>();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createTestDatabase();
    app = await createApiApp(testConfig(db.url, { PUBLIC_BASE_URL: 'http://127.0.0.1:1' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = await app.getUrl();
    await app.close();
    const env = { PUBLIC_BASE_URL: base, PORT: new URL(base).port };
    app = await createApiApp(testConfig(db.url, env));
    await app.listen({ port: Number(new URL(base).port), host: '127.0.0.1' });
    worker = await createWorkerApp(testConfig(db.url, env));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), worker?.close()]);
    await db?.drop();
  });

  /** A browser context that records problems: console errors, page errors, CSP violations. */
  async function device(opts: { javaScriptEnabled: boolean; width: number }) {
    const context = await browser.newContext({
      javaScriptEnabled: opts.javaScriptEnabled,
      viewport: { width: opts.width, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));
    page.on('pageerror', (e) => problems.push(e.message));
    return { context, page, problems };
  }

  /** Scan the current page with axe-core and keep its screenshots at both widths. */
  async function inspect(page: Page, name: string, jsOn: boolean): Promise<void> {
    const size = page.viewportSize()!;
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${ARTIFACTS}/${name}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize(size);
    if (!jsOn) return; // axe needs script; the same pages are scanned in the run with it on
    await page.evaluate(AXE_SOURCE);
    const result = (await page.evaluate(() =>
      (globalThis as unknown as { axe: { run: (o: object) => Promise<{ violations: unknown[] }> } }).axe.run({
        runOnly: {
          type: 'tag',
          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
        },
      }),
    )) as { violations: AxeViolation[] };
    scanned.set(
      name,
      result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    );
  }

  const click = async (page: Page, name: string | RegExp, role: 'button' | 'link' = 'button') => {
    // every button and link here loads a new page (a form post answers with a page or a redirect)
    await Promise.all([page.waitForNavigation(), page.getByRole(role, { name }).first().click()]);
  };

  it('metric, JavaScript on: landing → calculator → report → PDF, each page accessible', async () => {
    const { context, page, problems } = await device({ javaScriptEnabled: true, width: 390 });
    await page.goto(`${base}/`);
    await inspect(page, 'landing', true);
    await click(page, 'Start the calculator', 'link');
    await inspect(page, 'calculator-start', true);
    await click(page, 'Start');
    expect(new URL(page.url()).pathname).toBe('/calculator/steps/1');

    // a mistake first: the error is beside its field, the summary links to it, focus is on it
    await page.getByLabel('Female').check();
    await page.getByLabel('Age').fill('9');
    await page.getByLabel('Height (cm)').fill('168');
    await page.getByLabel('Weight (kg)').fill('72.5');
    await click(page, 'Continue');
    await expect(page.locator('#f-age-error').innerText()).resolves.toContain(
      'Age must be a whole number from 18 to 100',
    );
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('f-age');
    await expect(page.getByLabel('Height (cm)').inputValue()).resolves.toBe('168');
    await inspect(page, 'step1-error', true);
    expect(problems).toEqual([expect.stringContaining('422')]); // chromium logs the deliberate 422
    problems.length = 0;
    await page.getByLabel('Age').fill('41');
    await click(page, 'Continue');

    await inspect(page, 'step2', true);
    // step 2 by keyboard only: Tab between fields, arrows within a group of options, Enter to send
    const focused = () =>
      page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? '');
    const tabTo = async (name: string) => {
      for (let i = 0; i < 12 && (await focused()) !== name; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe(name);
    };
    await tabTo('lifestyle_activity');
    await page.keyboard.press('Space'); // sedentary
    await page.keyboard.press('ArrowDown'); // light
    await page.keyboard.press('ArrowDown'); // moderate
    await tabTo('exercise_frequency');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // 3–4 times per week
    await tabTo('goal');
    await page.keyboard.press('Space'); // lose
    await tabTo('deficit_percentage');
    await page.keyboard.type('15');
    await tabTo('diet_type');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown'); // keto
    await expect(page.getByLabel('Moderately active', { exact: false }).isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('3–4 times per week').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Keto').isChecked()).resolves.toBe(true);
    await page.keyboard.press('Tab'); // the Continue button
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Continue');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    await inspect(page, 'step3', true);
    await click(page, 'Continue');
    await expect(page.locator('h1').innerText()).resolves.toBe('Your daily targets');
    await expect(page.locator('.targets').innerText()).resolves.toMatch(/\d+\s*kcal a day/);
    await inspect(page, 'targets', true);
    await click(page, 'Continue to step 4', 'link');

    await inspect(page, 'step4', true);
    await page.getByLabel('E-mail').first().fill('metric.buyer@example.com');
    await page.getByLabel('First name').fill('Marta');
    await page.getByLabel('Last name').fill('Metric');
    await page.getByLabel('Medications').fill('Metformin 500mg twice a day');
    await page.getByLabel('Type 2 diabetes').check();
    await page.getByLabel('Peanuts').check();
    await click(page, 'Continue to your report');

    await expect(page.locator('h1').innerText()).resolves.toBe('Choose your report');
    await inspect(page, 'tier', true);
    await page.getByLabel(/Doctor/).check();
    await click(page, 'Continue to payment');

    await expect(page.locator('h1').innerText()).resolves.toContain('Pay for your Doctor report');
    await expect(page.locator('main').innerText()).resolves.toContain('Physician consultation guide');
    await inspect(page, 'checkout', true);
    await Promise.all([
      page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/),
      page.getByRole('button', { name: /^Pay/ }).click(),
    ]);
    await page.waitForSelector('text=Marta', { timeout: 60_000 });
    await inspect(page, 'report', true);
    const headings = await page.locator('section:not(#your-data) > h2').allInnerTexts();
    expect(headings.map((h) => Number(h.split('.')[0]))).toEqual(headings.map((_, i) => i + 1));

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the PDF' }).click(),
    ]);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    // the buyer's rights, from the report page: deleting asks for confirmation by e-mail
    await click(page, 'Delete my data');
    await expect(page.locator('h1').innerText()).resolves.toBe('Check your e-mail');
    await inspect(page, 'privacy-confirm-sent', true);
    await page.goto(`${base}/privacy`);
    await inspect(page, 'privacy', true);
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('imperial, JavaScript off, finishing on another device through the e-mailed resume link', async () => {
    const laptop = await device({ javaScriptEnabled: false, width: 1280 });
    const page = laptop.page;
    await page.goto(`${base}/calculator`);
    await click(page, 'Start');
    await click(page, 'Use feet, inches and pounds', 'link');
    await page.getByLabel('Male', { exact: true }).check();
    await page.getByLabel('Age').fill('35');
    await page.getByLabel('Height (feet)').fill('5');
    await page.getByLabel('Height (inches)').fill('10');
    await page.getByLabel('Weight (lb)').fill('185');
    await click(page, 'Continue');
    await page.getByLabel('Lightly active', { exact: false }).check();
    await page.getByLabel('3–4 times per week').check();
    await page.getByLabel('Lose fat').check();
    await page.getByLabel('Deficit or surplus (%)').fill('20');
    await page.getByLabel('Carnivore').check();
    await click(page, 'Continue');
    // step 3: a body fat figure, then "finish later" instead of continuing
    expect(new URL(page.url()).pathname).toBe('/calculator/steps/3');
    await page.getByLabel('Body fat (%)').fill('24');
    await page.getByLabel('Your e-mail address').fill('imperial.buyer@example.com');
    await click(page, 'Save and e-mail me a link');
    await expect(page.locator('h1').innerText()).resolves.toBe('Check your e-mail');

    // the mail, read where development keeps it
    await page.goto(`${base}/dev/mail`);
    await inspect(page, 'dev-mail', false);
    await click(page, 'Continue your nutrition calculator', 'link');
    await inspect(page, 'dev-mail-message', false);
    const link = await page.getByRole('link', { name: /\/calculator\/resume\?/ }).getAttribute('href');
    await laptop.context.close();

    // the phone: no cookie of its own until the link gives it one
    const phone = await device({ javaScriptEnabled: false, width: 390 });
    const p = phone.page;
    await p.goto(link!);
    expect(new URL(p.url()).pathname).toBe('/calculator/steps/3');
    expect(new URL(p.url()).search).toBe(''); // the token left the address bar at once
    await expect(p.getByLabel('Body fat (%)').inputValue()).resolves.toBe('24');
    await click(p, 'Back to step 2', 'link');
    await click(p, 'Back to step 1', 'link');
    await expect(p.getByLabel('Weight (lb)').inputValue()).resolves.toBe('185');
    await expect(p.getByLabel('Height (feet)').inputValue()).resolves.toBe('5');
    await click(p, 'Continue');
    await click(p, 'Continue');
    await click(p, 'Continue');
    await expect(p.locator('h1').innerText()).resolves.toBe('Your daily targets');
    await click(p, 'Continue to step 4', 'link');
    await p.getByLabel('E-mail').first().fill('imperial.buyer@example.com');
    await p.getByLabel('First name').fill('Ivan');
    await p.getByLabel('Last name').fill('Imperial');
    await click(p, 'Continue to your report');
    await p.getByLabel(/Shopping/).check();
    await click(p, 'Continue to payment');
    await Promise.all([
      p.waitForURL(/\/r\/[A-Za-z0-9_-]+$/),
      p.getByRole('button', { name: /^Pay/ }).click(),
    ]);
    // no script: the progress page refreshes itself into the report
    await p.waitForSelector('text=Ivan', { timeout: 60_000 });
    const text = await p.locator('main').innerText();
    expect(text).toMatch(/\d+–\d+ lb of water weight/); // the buyer's units
    expect(text).not.toMatch(/\bkg\b/);
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.getByRole('link', { name: 'Download the PDF' }).click(),
    ]);
    expect(
      readFileSync((await download.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect([...laptop.problems, ...phone.problems]).toEqual([]);
    await phone.context.close();
  }, 180_000);

  it('scanned every page: 0 serious or critical axe violations', () => {
    expect(scanned.size).toBeGreaterThanOrEqual(10);
    const found = [...scanned].flatMap(([name, violations]) =>
      violations.map(
        (v) =>
          `${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
    );
    expect(found).toEqual([]);
  });
});
