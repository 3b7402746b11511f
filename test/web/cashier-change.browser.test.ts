// The cashier page in Chromium against the REAL agent (in process, no fake API): cash handed over
// is sent with the confirm, the page shows the change while typing and the change the agent answers.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tillExtras } from '../../src/app/till-extras.js';
import { formatRubles } from '../../src/web/cashier/money.js';
import { startTestAgent, type TestAgent, TOKEN } from '../helpers/agent-harness.js';
import { CHROMIUM, hasChromium, launchChromium, text, waitForText } from '../helpers/browser.js';

if (!hasChromium) {
  console.warn(
    `[test/web] cash-change browser test SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium)`,
  );
}

describe.skipIf(!hasChromium)('cashier page: cash handed over and the change (real agent)', () => {
  let agent: TestAgent;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    agent = await startTestAgent({}, { extras: tillExtras }); // tillExtras serves the page at /
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.close();
    expect(pageErrors).toEqual([]);
  });

  /** A new page with one line 256,21 ₽ (a tobacco-free loaf), calculated; returns what is due. */
  async function calculatedLoaf(): Promise<{ page: Page; toPay: number; receiptId: string }> {
    const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${agent.url}/?token=${TOKEN}`);
    await page.fill('#line-sku', 'BREAD');
    await page.fill('#line-name', 'Хлеб');
    await page.fill('#line-price', '256,21');
    await page.fill('#line-qty', '1');
    await page.press('#line-qty', 'Enter');
    await waitForText(page, '#lines-body', 'Хлеб');
    const answered = page.waitForResponse((r) => r.url().endsWith('/v1/receipts/calculate'));
    await page.click('#btn-calc');
    const calc = (await (await answered).json()) as { receiptId: string; totals: { toPay: number } };
    await waitForText(page, '#t-topay', formatRubles(calc.totals.toPay));
    return { page, toPay: calc.totals.toPay, receiptId: calc.receiptId };
  }

  it('300,00 in cash: the change shows while typing and after the confirm, as the agent answered it', async () => {
    const { page, toPay, receiptId } = await calculatedLoaf();
    expect(toPay).toBeLessThanOrEqual(30000);
    await page.fill('#cash-given', '300');
    await waitForText(page, '#cash-change', `Сдача: ${formatRubles(30000 - toPay)}`);
    const confirmed = page.waitForResponse((r) => r.url().endsWith(`/v1/receipts/${receiptId}/confirm`));
    await page.press('#cash-given', 'Enter');
    const response = await confirmed;
    expect(JSON.parse(response.request().postData() ?? '{}')).toEqual({
      payments: [{ type: 'cash', amount: 30000 }],
    });
    const answer = (await response.json()) as { change: number };
    expect(answer.change).toBe(30000 - toPay);
    await waitForText(page, '#notice', `Сдача: ${formatRubles(answer.change)}.`);
    // the next receipt starts with an empty cash field
    expect(await page.inputValue('#cash-given')).toBe('');
    expect(await text(page, '#cash-change')).toBe('');
    const sale = agent.agent.store.journal.byReceipt(receiptId).find((e) => e.tx.kind === 'sale');
    expect(sale?.tx.payments).toEqual([{ type: 'cash', amount: 30000 }]);
  });

  it('less cash than due is refused on the page, nothing is confirmed; an empty field sends no payments', async () => {
    const { page, toPay, receiptId } = await calculatedLoaf();
    await page.fill('#cash-given', formatRubles(toPay - 1).replace(' ₽', ''));
    await waitForText(page, '#cash-change', 'меньше суммы к оплате');
    await page.click('#btn-confirm');
    await waitForText(page, '#alert', 'меньше суммы к оплате');
    expect(agent.agent.store.journal.byReceipt(receiptId)).toHaveLength(0);

    await page.fill('#cash-given', '');
    const confirmed = page.waitForResponse((r) => r.url().endsWith(`/v1/receipts/${receiptId}/confirm`));
    await page.click('#btn-confirm');
    const response = await confirmed;
    expect(JSON.parse(response.request().postData() ?? '{}')).toEqual({});
    await waitForText(page, '#notice', 'подтверждён');
    expect(await text(page, '#notice')).not.toContain('Сдача');
  });
});
