// The cashier page in Debian's Chromium against the real demo chain (cloud on PGlite with the demo
// customers, agent with the virtual register), in-process: a card customer's sale typed and
// clicked, its return, and a phone customer paying with points who must give the SMS code that
// the demo's test SMS gateway keeps on the central server.
//
// Totals depend on the day (birthday window, promotions by date and hour), so the test reads
// what the agent answered and checks the page shows exactly that, formatted as the cashier sees it.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type RunningDemo, startDemo } from '../../src/app/demo-chain.js';
import { formatPoints, formatRubles } from '../../src/web/cashier/money.js';
import { CHROMIUM, hasChromium, launchChromium, text, waitForText } from '../helpers/browser.js';

const ARTIFACTS = path.resolve('artifacts');

// The browser tests of the demo need Chromium; say so loudly when it is missing (never silently).
if (!hasChromium)
  console.warn(`[test/e2e] browser demo test SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium)`);

// The evaluate() callbacks run in the browser; the project compiles without the DOM library.
declare const document: {
  activeElement: { id: string } | null;
  querySelector(selector: string): { hidden: boolean; textContent: string | null } | null;
};

interface Totals {
  amount: number;
  discount: number;
  redeemedPoints: number;
  redeemedAmount: number;
  toPay: number;
  accruedPoints: number;
}
interface Calculated {
  receiptId: string;
  totals: Totals;
  customer?: { id: string };
}

describe.skipIf(!hasChromium)('the cashier page on the real demo', () => {
  let dir: string;
  let demo: RunningDemo;
  let browser: Browser;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = await mkdtemp(path.join(tmpdir(), 'la-browser-demo-'));
    demo = await startDemo({
      agentPort: 0,
      cloudPort: 0,
      dataDir: dir,
      logLevel: 'warn',
      logger: pino({ level: 'warn' }),
    });
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'ru-RU',
      timezoneId: 'Europe/Moscow',
    });
    // The page may only talk to the agent that served it.
    await context.route(
      (u) => !u.href.startsWith(demo.agentUrl),
      (route) => route.abort(),
    );
  }, 90_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await demo?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(pageErrors).toEqual([]);
  });

  async function openPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${demo.agentUrl}/?token=${DEMO.tillToken}`);
    await waitForText(page, '#st-register', 'Касса: готова');
    await waitForText(page, '#st-cloud', 'Облако: на связи');
    return page;
  }

  /** Runs `action` and returns the JSON the agent answered to the calculate it causes. */
  async function calculated(page: Page, action: () => Promise<void>): Promise<Calculated> {
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/v1/receipts/calculate') && r.request().method() === 'POST',
      ),
      action(),
    ]);
    expect(response.status()).toBe(200);
    return (await response.json()) as Calculated;
  }

  async function expectTotalsShown(page: Page, t: Totals): Promise<void> {
    await waitForText(page, '#t-topay', formatRubles(t.toPay));
    expect(await text(page, '#t-amount')).toBe(formatRubles(t.amount));
    expect(await text(page, '#t-discount')).toBe(formatRubles(t.discount));
    expect(await text(page, '#t-accrued')).toBe(formatPoints(t.accruedPoints));
    expect(await text(page, '#t-redeemed')).toContain(formatRubles(t.redeemedAmount));
  }

  async function addLine(page: Page, name: string, price: string, qty: string): Promise<void> {
    const before = await page.locator('#lines-body tr').count();
    await page.fill('#line-name', name);
    await page.fill('#line-price', price);
    await page.fill('#line-qty', qty);
    await page.keyboard.press('Enter');
    await waitForText(page, '#lines-body', name);
    expect(await page.locator('#lines-body tr').count()).toBe(before + 1);
  }

  it('sells to a card customer with a discount and points, confirms, and returns the sale', async () => {
    const anna = demo.data.customers.find((c) => c.id === 'demo-anna')!;
    const page = await openPage();

    await page.keyboard.press('F2');
    await page.keyboard.type(anna.card);
    await waitForText(page, '#identify-hint', 'Карта');
    await page.keyboard.press('Enter');
    // The page shows the short name the cloud gives out ("Анна К."), never the full one.
    await waitForText(page, '#customer-name', anna.name.split(' ')[0]!);
    await waitForText(page, '#customer-tier', 'Золото');
    await waitForText(page, '#customer-balance', formatPoints(anna.points));

    await addLine(page, 'Молоко 3,2% 1 л', '89,90', '3');
    await addLine(page, 'Сыр российский', '612,35', '0,455');
    await addLine(page, 'Хлеб бородинский', '54', '1');
    await page.fill('#redeem-points', '100');
    const calc = await calculated(page, () => page.keyboard.press('F6'));
    const t = calc.totals;
    expect(calc.customer?.id).toBe('demo-anna');
    // 3 × 89,90 + 0,455 × 612,35 (278,62) + 54,00, as the page sent it in kopecks and thousandths.
    expect(t.amount).toBe(26970 + 27862 + 5400);
    expect(t.discount).toBeGreaterThan(0);
    expect(t.redeemedPoints).toBe(100);
    expect(t.toPay).toBe(t.amount - t.discount - t.redeemedAmount);
    await expectTotalsShown(page, t);
    await page.screenshot({ path: path.join(ARTIFACTS, 'cashier-demo-sale.png') });

    // A card customer pays with points without a code; the virtual register prints the receipt.
    await page.click('#btn-confirm');
    await waitForText(page, '#notice', `Чек ${calc.receiptId} подтверждён.`);
    expect(await text(page, '#notice')).toContain(`К оплате ${formatRubles(t.toPay)}.`);
    const read = await fetch(`${demo.agentUrl}/v1/receipts/${calc.receiptId}`, {
      headers: { authorization: `Bearer ${DEMO.tillToken}` },
    });
    expect(await read.json()).toMatchObject({ status: 'confirmed', totals: t });

    // The return of the whole receipt: the last confirmed one is prefilled.
    await page.keyboard.press('F8');
    expect(await page.locator('#return-receipt').inputValue()).toBe(calc.receiptId);
    const [returned] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/returns') && r.request().method() === 'POST'),
      page.keyboard.press('Enter'),
    ]);
    expect(returned.status()).toBe(200);
    const refund = ((await returned.json()) as { refund: { amount: number; pointsReturned: number } }).refund;
    expect(refund.amount).toBe(t.toPay);
    expect(refund.pointsReturned).toBe(100);
    await waitForText(page, '#return-result', `К возврату: ${formatRubles(t.toPay)}`);
    expect(await text(page, '#return-result')).toContain('Баллов вернётся покупателю: 100');
    expect(await text(page, '#return-result')).toContain(
      `Баллов списано (были начислены за покупку): ${formatPoints(t.accruedPoints)}`,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'cashier-demo-return.png') });
    await page.keyboard.press('Escape');
    await page.close();
  }, 60_000);

  it('asks a phone customer paying with points for the SMS code the demo keeps, and confirms with it', async () => {
    const boris = demo.data.customers.find((c) => c.id === 'demo-boris')!;
    const page = await openPage();
    await page.fill('#identify-input', boris.phone!);
    await waitForText(page, '#identify-hint', 'Телефон');
    await page.click('#btn-identify');
    await waitForText(page, '#customer-name', boris.name.split(' ')[0]!);
    await waitForText(page, '#customer', 'по коду из SMS');

    await addLine(page, 'Кофе в зёрнах', '899,00', '1');
    await page.check('input[name="redeem"][value="max"]');
    const calc = await calculated(page, () => page.click('#btn-calc'));
    expect(calc.totals.redeemedPoints).toBeGreaterThan(0);
    await expectTotalsShown(page, calc.totals);

    // The agent answers 403 CODE_REQUIRED; the page opens the code dialog with the agent's reason.
    // (The real agent's reason is English while the page is Russian: reported to their owners.)
    const [required] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/v1/receipts/${calc.receiptId}/confirm`)),
      page.click('#btn-confirm'),
    ]);
    expect(required.status()).toBe(403);
    const reason = ((await required.json()) as { error: { code: string; message: string } }).error;
    expect(reason.code).toBe('CODE_REQUIRED');
    await waitForText(page, '#code-reason', reason.message);
    expect(await page.locator('#code-dialog').isVisible()).toBe(true);
    // The test SMS gateway keeps the code on the central server; the central page's data shows it.
    const overview = await fetch(`${demo.cloudUrl}/central/api/overview`, {
      headers: { authorization: `Bearer ${DEMO.adminToken}` },
    });
    expect(overview.status).toBe(200);
    const sms = ((await overview.json()) as { testSms: { customerId: string; code: string }[] | null })
      .testSms;
    const code = sms?.find((m) => m.customerId === boris.id)?.code;
    expect(code, 'no test SMS for the phone customer').toMatch(/^\d{4,8}$/);

    // A wrong code first: refused inside the dialog, nothing confirmed.
    const [wrong] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/v1/receipts/${calc.receiptId}/confirm`)),
      page.fill('#code-input', code === '0000' ? '1111' : '0000').then(() => page.keyboard.press('Enter')),
    ]);
    expect(wrong.status()).toBe(403);
    const refusal = ((await wrong.json()) as { error: { code: string; message: string } }).error;
    expect(refusal.code).toBe('CODE_INVALID');
    await waitForText(page, '#code-error', refusal.message);
    expect(await page.locator('#code-dialog').isVisible()).toBe(true);
    await page.fill('#code-input', code!);
    await page.keyboard.press('Enter');
    await waitForText(page, '#notice', `Чек ${calc.receiptId} подтверждён.`);
    expect(await page.locator('#code-dialog').isVisible()).toBe(false);
    expect(await text(page, '#notice')).toContain(`К оплате ${formatRubles(calc.totals.toPay)}.`);
    await page.close();
  }, 60_000);
});
