// Drives the real cashier page in Debian's Chromium against a fake POS API: a full sale typed and
// clicked (mostly keyboard), the SMS-code prompt, returns, errors, the scanner stream, small screens.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashierPage } from '../../src/web/plugin.js';
import { CHROMIUM, hasChromium, launchChromium, text, waitForText } from '../helpers/browser.js';
import { type FakePosApi, registerFakePosApi, SHARED_RECEIPT, SMS_CODE, TILL_TOKEN } from './fake-pos-api.js';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'artifacts');

if (!hasChromium) {
  console.warn(`[test/web] browser tests SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium)`);
}

// The evaluate() callbacks run in the browser; this project compiles without the DOM library,
// so the little of the DOM they touch is declared here (module scope, not global).
interface BrowserRect {
  right: number;
  bottom: number;
}
interface BrowserElement {
  id: string;
  hidden: boolean;
  className: string;
  textContent: string | null;
  scrollWidth: number;
  scrollHeight: number;
  clientWidth: number;
  getBoundingClientRect(): BrowserRect;
}
declare const document: {
  activeElement: BrowserElement | null;
  documentElement: BrowserElement;
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): Iterable<BrowserElement>;
};
declare const localStorage: { getItem(key: string): string | null };

interface Server {
  app: FastifyInstance;
  fake: FakePosApi;
  url: string;
}

async function startServer(scanStream = true): Promise<Server> {
  const app = Fastify();
  const fake = registerFakePosApi(app, { scanStream });
  await app.register(cashierPage, { tillId: 'till-1', statusPollMs: 300 });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, fake, url };
}

const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

describe.skipIf(!hasChromium)('cashier page in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    server?.fake.closeStreams();
    await server?.app.close();
    expect(pageErrors).toEqual([]);
  });

  async function openPage(
    options: { url?: string; query?: string; viewport?: { width: number; height: number } } = {},
  ): Promise<Page> {
    const base = options.url ?? server.url;
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1024, height: 768 },
      locale: 'ru-RU',
      timezoneId: 'Europe/Moscow',
    });
    contexts.push(context);
    // The page must only ever talk to the agent it was served from.
    await context.route(
      (u) => !u.href.startsWith(base),
      (route) => route.abort(),
    );
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${base}/${options.query ?? `?token=${TILL_TOKEN}`}`);
    await waitForText(page, '#st-register', 'Касса: готова');
    return page;
  }

  const requestsTo = (suffix: string) => server.fake.requests.filter((r) => r.url.endsWith(suffix));

  it('makes a whole sale from the keyboard: identify card, lines, calculate, confirm', async () => {
    const page = await openPage();
    expect(page.url()).not.toContain('token=');
    await waitForText(page, '#st-cloud', 'Облако: на связи');
    await waitForText(page, '#st-version', 'программа 2026-11-01.1');

    await page.keyboard.press('F2');
    expect(await activeId(page)).toBe('identify-input');
    await page.keyboard.type('2000000000008');
    await waitForText(page, '#identify-hint', 'Карта');
    await page.keyboard.press('Enter');
    await waitForText(page, '#customer-name', 'Анна К.');
    expect(await text(page, '#customer-tier')).toBe('Серебро · скидка 5% · баллы 5%');
    expect(await text(page, '#customer-balance')).toBe('Баланс: 1 250 баллов (ещё 30 ожидают начисления)');
    expect(await text(page, '#customer-next')).toBe('До уровня «Золото» осталось 1 200,00 ₽');
    expect(await activeId(page)).toBe('line-sku');

    // Line 1: sku, name, price, qty (Tab into a field selects what is there), Enter adds it.
    await page.keyboard.type('MILK-1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Молоко');
    await page.keyboard.press('Tab');
    await page.keyboard.type('89,90');
    await page.keyboard.press('Tab');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await waitForText(page, '#lines-body', 'Молоко');
    expect(await activeId(page)).toBe('line-sku');

    // Line 2: tobacco, chosen in the tag select with the arrow key, added with F4.
    await page.keyboard.type('CIG-1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Сигареты');
    await page.keyboard.press('Tab');
    await page.keyboard.type('150.00');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('line-tag');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#line-tag').inputValue()).toBe('tobacco');
    await page.keyboard.press('F4');
    await waitForText(page, '#lines-body', 'Сигареты');
    expect(await page.locator('#lines-body tr').count()).toBe(2);
    expect(await text(page, '#t-amount')).toBe('419,70 ₽');

    await page.fill('#redeem-points', '100');
    expect(await page.locator('input[name="redeem"][value="points"]').isChecked()).toBe(true);
    await page.fill('#coupons', 'SPRING-10, NOPE');
    await page.keyboard.press('F6');
    await waitForText(page, '#t-topay', '306,21 ₽');
    expect(await text(page, '#t-amount')).toBe('419,70 ₽');
    expect(await text(page, '#t-discount')).toBe('13,49 ₽');
    expect(await text(page, '#t-redeemed')).toBe('100,00 ₽\n100 баллов');
    expect(await text(page, '#t-accrued')).toBe('7');
    const firstRow = await text(page, '#lines-body tr:nth-child(1)');
    for (const cell of ['269,70 ₽', '13,49 ₽', '100,00 ₽', '156,21 ₽', '+7'])
      expect(firstRow).toContain(cell);
    expect(await text(page, '#lines-body tr:nth-child(2)')).toContain('табак');
    await waitForText(page, '#messages', 'До уровня «Золото» осталось 1 200,00 ₽');
    await waitForText(page, '#applied', 'Купон SPRING-10: применён');
    await waitForText(page, '#applied', 'Купон NOPE: не найден');

    // What the page sent is exactly what the cashier typed, in kopecks and thousandths.
    const calc = requestsTo('/v1/receipts/calculate').at(-1)?.body as Record<string, unknown>;
    expect(calc).toMatchObject({
      customer: { card: '2000000000008' },
      lines: [
        { lineId: '1', sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 3, tags: [] },
        { lineId: '2', sku: 'CIG-1', name: 'Сигареты', price: 15000, qty: 1, tags: ['tobacco'] },
      ],
      redeem: { points: 100 },
      coupons: ['SPRING-10', 'NOPE'],
    });
    expect(calc.receiptId).toMatch(/^till-1-\d{13}-[0-9a-z]{6}$/);
    expect(await activeId(page)).toBe('btn-confirm');
    await page.screenshot({ path: path.join(ARTIFACTS, 'cashier-sale.png') });

    await page.keyboard.press('F9');
    await waitForText(page, '#notice', `Чек ${calc.receiptId} подтверждён.`);
    expect(await text(page, '#notice')).toContain(
      'К оплате 306,21 ₽. Начислено 7 баллов. Баланс: 1 150 баллов.',
    );
    expect(requestsTo(`/v1/receipts/${calc.receiptId}/confirm`)).toHaveLength(1);
    // A fresh receipt is ready for the next customer.
    expect(await text(page, '#receipt-id')).not.toBe(calc.receiptId);
    expect(await page.locator('#lines-body tr').count()).toBe(0);
    expect(await page.locator('#customer').isHidden()).toBe(true);
    expect(await page.locator('#btn-confirm').isDisabled()).toBe(true);
    expect(await activeId(page)).toBe('identify-input');
  });

  it('asks for the SMS code when a phone customer pays with points, then returns the sale', async () => {
    const page = await openPage();
    await page.fill('#identify-input', '8 (912) 345-67-89');
    await waitForText(page, '#identify-hint', 'Телефон');
    await page.click('#btn-identify');
    await waitForText(page, '#customer-name', 'Борис П.');
    await waitForText(page, '#customer', 'День рождения');
    await waitForText(page, '#customer', 'по коду из SMS');

    await page.check('input[name="mode"][value="total"]');
    await page.fill('#total-input', '1 200,00');
    await page.check('input[name="redeem"][value="max"]');
    await page.click('#btn-calc');
    await waitForText(page, '#t-topay', '700,00 ₽');
    expect(await text(page, '#t-amount')).toBe('1 200,00 ₽');
    expect(await text(page, '#t-discount')).toBe('0,00 ₽');
    expect(await text(page, '#t-redeemed')).toBe('500,00 ₽\n500 баллов');
    expect(await text(page, '#t-accrued')).toBe('21');
    expect(await text(page, '#lines-body')).toContain('Покупка');
    const calc = requestsTo('/v1/receipts/calculate').at(-1)?.body as { receiptId: string };
    expect(calc).toMatchObject({
      customer: { phone: '8 (912) 345-67-89' },
      lines: [{ name: 'Покупка', price: 120000, qty: 1 }],
      redeem: { max: true },
    });

    await page.click('#btn-confirm');
    await waitForText(page, '#code-reason', 'нужен код из SMS');
    expect(await page.locator('#code-dialog').isVisible()).toBe(true);
    expect(await activeId(page)).toBe('code-input');
    await page.keyboard.type('0000');
    await page.keyboard.press('Enter');
    await waitForText(page, '#code-error', 'Неверный код из SMS');
    expect(await page.locator('#code-dialog').isVisible()).toBe(true);
    await page.keyboard.type(SMS_CODE); // the wrong code was selected: typing replaces it
    await page.keyboard.press('Enter');
    await waitForText(page, '#notice', 'подтверждён');
    expect(await page.locator('#code-dialog').isVisible()).toBe(false);
    const confirms = requestsTo(`/v1/receipts/${calc.receiptId}/confirm`).map((r) => r.body);
    expect(confirms).toEqual([{}, { code: '0000' }, { code: SMS_CODE }]);
    expect(await text(page, '#notice')).toContain('Баланс: 0 баллов.');

    // Return: the last confirmed receipt is prefilled; Enter returns everything.
    await page.keyboard.press('F8');
    expect(await page.locator('#return-receipt').inputValue()).toBe(calc.receiptId);
    expect(await text(page, '#return-lines-body')).toContain('Покупка');
    await page.keyboard.press('Enter');
    await waitForText(page, '#return-result', 'К возврату: 700,00 ₽');
    expect(await text(page, '#return-result')).toContain('Баллов вернётся покупателю: 500');
    const ret = requestsTo('/v1/returns').at(-1)?.body as { returnId: string };
    expect(ret).toMatchObject({ receiptId: calc.receiptId });
    expect(ret).not.toHaveProperty('lines');
    await page.screenshot({ path: path.join(ARTIFACTS, 'cashier-return.png') });

    // Nothing is left: the agent's refusal is shown inside the dialog, and a new return id was used.
    await page.click('#btn-return-ok');
    await waitForText(page, '#return-error', 'уже всё возвращено');
    const ids = requestsTo('/v1/returns').map((r) => (r.body as { returnId: string }).returnId);
    expect(new Set(ids).size).toBe(2);
    await page.keyboard.press('Escape');
    expect(await page.locator('#return-dialog').isVisible()).toBe(false);
  });

  it('returns chosen lines with partial quantities', async () => {
    const page = await openPage();
    await page.fill('#line-name', 'Сыр');
    await page.fill('#line-price', '500');
    await page.fill('#line-qty', '0,4');
    await page.keyboard.press('Enter');
    await page.fill('#line-name', 'Хлеб');
    await page.fill('#line-price', '45');
    await page.fill('#line-qty', '2');
    await page.keyboard.press('Enter');
    await page.keyboard.press('F6');
    await waitForText(page, '#t-topay', '290,00 ₽');
    await page.keyboard.press('F9');
    await waitForText(page, '#notice', 'подтверждён');

    await page.click('#btn-return');
    await page.uncheck('#return-whole');
    await page.fill('#return-lines-body tr:nth-child(2) input', '1');
    await page.click('#btn-return-ok');
    await waitForText(page, '#return-result', 'К возврату: 45,00 ₽');
    expect(requestsTo('/v1/returns').at(-1)?.body).toMatchObject({ lines: [{ lineId: '2', qty: 1 }] });

    await page.fill('#return-lines-body tr:nth-child(1) input', '0,5');
    await page.click('#btn-return-ok');
    await waitForText(page, '#return-error', 'Возврат больше, чем продано');
  });

  it('asks for the store of a receipt number several stores printed, then returns that sale', async () => {
    const page = await openPage();
    await page.click('#btn-return');
    expect(await page.locator('#return-store-row').isVisible()).toBe(false);
    await page.fill('#return-receipt', SHARED_RECEIPT);
    await page.click('#btn-return-ok');
    await waitForText(page, '#return-error', 'пробит в нескольких магазинах');
    expect(await page.locator('#return-store-row').isVisible()).toBe(true);
    expect(await page.locator('#return-store option').allTextContents()).toEqual(['store-2', 'store-3']);
    await page.selectOption('#return-store', 'store-3');
    await page.click('#btn-return-ok');
    await waitForText(page, '#return-result', 'К возврату: 300,00 ₽');
    const [first, second] = requestsTo('/v1/returns')
      .slice(-2)
      .map((r) => r.body as Record<string, unknown>);
    expect(first).not.toHaveProperty('storeId');
    // The retry after the question keeps its returnId (idempotent) and names the store.
    expect(second).toMatchObject({
      receiptId: SHARED_RECEIPT,
      storeId: 'store-3',
      returnId: first!['returnId'],
    });
    // Another receipt number drops the choice.
    await page.fill('#return-receipt', 'r-other');
    expect(await page.locator('#return-store-row').isVisible()).toBe(false);
  });

  it('shows every error as a readable red strip, never a stack', async () => {
    const page = await openPage();
    await page.fill('#identify-input', '2000000000015');
    await page.keyboard.press('Enter');
    await waitForText(page, '#alert', 'Покупатель с такой картой не найден');
    const alert = await text(page, '#alert');
    expect(alert).toContain('CUSTOMER_NOT_FOUND');
    expect(alert).not.toMatch(/\bat \w|Error:|undefined/);

    await page.fill('#line-name', 'Товар');
    await page.fill('#line-price', '12,345');
    await page.keyboard.press('Enter');
    await waitForText(page, '#alert', 'Цена: сумма в рублях больше нуля');
    // A page-side error has no code: the strip shows the message alone (not a stray "null").
    expect(await page.locator('#alert').textContent()).toBe(
      'Цена: сумма в рублях больше нуля, например 89,90.',
    );
    expect(await activeId(page)).toBe('line-price');

    const confirmsBefore = requestsTo('/confirm').length;
    await page.keyboard.press('F9');
    await waitForText(page, '#alert', 'Сначала рассчитайте чек');
    expect(requestsTo('/confirm')).toHaveLength(confirmsBefore);

    // The agent refuses the input: its field-naming message reaches the cashier.
    await page.fill('#line-price', '10');
    await page.fill('#line-qty', '5000');
    await page.keyboard.press('Enter');
    await page.keyboard.press('F6');
    await waitForText(page, '#alert', 'lines/0/qty must be between 0 and 1000');
    expect(await page.locator('#btn-confirm').isDisabled()).toBe(true);

    // A change after calculating makes the totals stale and blocks confirming.
    await page.click('#lines-body button');
    await page.fill('#line-name', 'Товар');
    await page.fill('#line-price', '10');
    await page.fill('#line-qty', '1');
    await page.keyboard.press('Enter');
    await page.keyboard.press('F6');
    await waitForText(page, '#t-topay', '10,00 ₽');
    expect(await page.locator('#alert').isHidden()).toBe(true);
    await page.fill('#coupons', 'LATE');
    await waitForText(page, '#calc-state', 'Чек изменён');
    expect(await page.locator('#btn-confirm').isDisabled()).toBe(true);

    // Esc cancels the calculated receipt at the agent.
    const receiptId = await text(page, '#receipt-id');
    await page.keyboard.press('Escape');
    await waitForText(page, '#notice', 'Чек отменён.');
    expect(requestsTo(`/v1/receipts/${receiptId}/cancel`)).toHaveLength(1);
    expect(server.fake.receipts.get(receiptId)?.status).toBe('cancelled');
    expect(await text(page, '#receipt-id')).not.toBe(receiptId);
  });

  it('asks for the till token when it is wrong, and works once it is given', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${server.url}/?token=wrong-token`);
    await waitForText(page, '#token-error', 'Неверный или отсутствующий токен кассы');
    expect(await page.locator('#token-dialog').isVisible()).toBe(true);
    await page.keyboard.type(TILL_TOKEN);
    await page.keyboard.press('Enter');
    await waitForText(page, '#st-register', 'Касса: готова');
    expect(await page.evaluate(() => localStorage.getItem('loyalty-cashier.token'))).toBe(TILL_TOKEN);

    // The token is remembered: a reload without ?token= still works.
    await page.goto(server.url);
    await waitForText(page, '#st-register', 'Касса: готова');
    expect(await page.locator('#token-dialog').isVisible()).toBe(false);
  });

  it('identifies a customer scanned on the serial scanner (server-sent events)', async () => {
    const page = await openPage();
    await waitForText(page, '#st-scanner', 'Сканер: на связи');
    const before = server.fake.scanListeners();
    expect(before).toBeGreaterThan(0);
    expect(server.fake.pushScan('LOYALTY-QR-ANNA-0001', 'qr')).toBe(before);
    await waitForText(page, '#customer-name', 'Анна К.');
    expect(requestsTo('/v1/identify').at(-1)?.body).toEqual({ qr: 'LOYALTY-QR-ANNA-0001' });
  });

  it('works without the scanner stream, silently', async () => {
    const bare = await startServer(false);
    try {
      const page = await openPage({ url: bare.url });
      await page.waitForTimeout(500);
      expect(await page.locator('#alert').isHidden()).toBe(true);
      expect(await page.locator('#st-scanner').isHidden()).toBe(true);
      await page.fill('#identify-input', '2000000000008');
      await page.keyboard.press('Enter');
      await waitForText(page, '#customer-name', 'Анна К.');
    } finally {
      await bare.app.close();
    }
  });

  for (const viewport of [
    { width: 1024, height: 768 },
    { width: 800, height: 600 },
  ]) {
    it(`fits a ${viewport.width}×${viewport.height} till screen`, async () => {
      const page = await openPage({ viewport });
      await page.fill('#identify-input', '2000000000008');
      await page.keyboard.press('Enter');
      await waitForText(page, '#customer-name', 'Анна К.');
      for (const [name, price] of [
        ['Молоко 3,2% 1 л', '89,90'],
        ['Хлеб бородинский', '54,00'],
        ['Сыр российский', '612,35'],
      ]) {
        await page.fill('#line-name', name as string);
        await page.fill('#line-price', price as string);
        await page.keyboard.press('Enter');
      }
      await page.fill('#redeem-points', '50');
      await page.keyboard.press('F6');
      await waitForText(page, '#t-topay', '₽');
      await waitForText(page, '#messages', 'Золото');
      // One screen, no page scrolling; the confirm button and every line visible inside their panels.
      const layout = await page.evaluate(() => {
        const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
        return {
          pageWidth: document.documentElement.scrollWidth,
          pageHeight: document.documentElement.scrollHeight,
          confirm: box('#btn-confirm'),
          pay: box('.panel-pay'),
          topay: box('#t-topay'),
          lastLine: box('#lines-body tr:last-child'),
          linesArea: box('.lines-wrap'),
          linesScrollWidth: document.querySelector('.lines-wrap')!.scrollWidth,
          linesClientWidth: document.querySelector('.lines-wrap')!.clientWidth,
          widePanels: [...document.querySelectorAll('.panel')]
            .filter((p) => p.scrollWidth > p.clientWidth)
            .map((p) => p.className),
        };
      });
      expect(layout.pageWidth).toBeLessThanOrEqual(viewport.width);
      expect(layout.pageHeight).toBeLessThanOrEqual(viewport.height);
      expect(layout.confirm.bottom).toBeLessThanOrEqual(layout.pay.bottom);
      expect(layout.topay.right).toBeLessThanOrEqual(layout.pay.right);
      expect(layout.lastLine.bottom).toBeLessThanOrEqual(layout.linesArea.bottom);
      expect(layout.linesScrollWidth).toBeLessThanOrEqual(layout.linesClientWidth);
      expect(layout.widePanels).toEqual([]);
      await page.screenshot({
        path: path.join(ARTIFACTS, `cashier-${viewport.width}x${viewport.height}.png`),
      });
    });
  }
});
