// What the cashier does to the receipt: find the customer, add lines or a total, choose points
// and coupons, calculate, confirm (with the SMS code when asked) and cancel. Each reads the form,
// calls the agent and redraws; errors are thrown for run() to show.
/** @import { CalculateResponse, ConfirmResponse, IdentifyResponse } from '../../agent/till-api.js' */
/** @import { RedeemChoice } from './receipt.js' */
import { ApiError } from './api.js';
import { cashGiven, changeHint } from './cash.js';
import { toCustomerQuery } from './customer-input.js';
import { $, dialog, form, input, select } from './dom.js';
import { formatPointsWithWord, formatRubles, parseQuantity, parseRubles, parseWhole } from './money.js';
import { DraftError, newReceiptId, parseCoupons, ReceiptDraft } from './receipt.js';
import { renderReceipt } from './receipt-view.js';
import { focusField } from './run.js';
import { api, rememberLastReceipt, settings, state } from './state.js';
import * as ui from './ui.js';

const CODE_ERRORS = new Set(['CODE_REQUIRED', 'CODE_INVALID']);

export function render() {
  const { draft } = state;
  renderReceipt(draft, (lineId) => {
    draft.removeLine(lineId);
    render();
    $('line-sku').focus();
  });
  ui.renderCustomer(draft.customer, state.customerSource, () => {
    draft.clearCustomer();
    state.customerSource = null;
    input('redeem-points').value = '';
    setRedeemRadio('none');
    render();
    $('identify-input').focus();
  });
  showChangeHint();
}

export function startNewReceipt() {
  state.draft = new ReceiptDraft(newReceiptId(settings.tillId ?? 'till'));
  state.customerSource = null;
  form('line-form').reset();
  input('total-input').value = '';
  form('calc-form').reset();
  input('identify-input').value = '';
  select('identify-kind').value = 'auto';
  input('cash-given').value = '';
  $('cash-change').textContent = '';
  ui.renderIdentifyHint(null);
  setMode('lines');
  render();
}

/** The kind the cashier forced in the select next to the identify field ("auto" = guess). */
export function forcedKind() {
  const kind = select('identify-kind').value;
  return kind === 'card' || kind === 'phone' || kind === 'qr' ? kind : 'auto';
}

// ---------------------------------------------------------------- identify

export async function identify() {
  const field = input('identify-input');
  const query = toCustomerQuery(field.value, forcedKind());
  if (!query) {
    field.focus();
    throw new DraftError('Введите номер карты или телефона, или отсканируйте QR-код покупателя.');
  }
  const forDraft = state.draft;
  /** @type {IdentifyResponse} */
  const res = await api.post('/v1/identify', query);
  if (forDraft !== state.draft) return;
  forDraft.setCustomer(query, res.customer);
  state.customerSource = res.source;
  field.value = '';
  select('identify-kind').value = 'auto';
  input('cash-given').value = '';
  $('cash-change').textContent = '';
  ui.renderIdentifyHint(null);
  render();
  (forDraft.mode === 'total' ? $('total-input') : $('line-sku')).focus();
}

// ---------------------------------------------------------------- lines and totals

/** @param {'lines' | 'total'} mode */
export function setMode(mode) {
  state.draft.setMode(mode);
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    if (radio instanceof HTMLInputElement) radio.checked = radio.value === mode;
  }
  form('line-form').hidden = mode !== 'lines';
  form('total-form').hidden = mode !== 'total';
}

export function lineFormHasInput() {
  return ['line-sku', 'line-name', 'line-price'].some((id) => input(id).value.trim() !== '');
}

export function addLineFromForm() {
  const sku = input('line-sku').value.trim();
  const name = input('line-name').value.trim();
  if (!sku && !name) {
    $('line-sku').focus();
    throw new DraftError('Введите артикул или наименование товара.');
  }
  const price = parseRubles(input('line-price').value);
  if (price === null || price === 0) {
    focusField('line-price');
    throw new DraftError('Цена: сумма в рублях больше нуля, например 89,90.');
  }
  const qty = parseQuantity(input('line-qty').value);
  if (qty === null) {
    focusField('line-qty');
    throw new DraftError('Количество: число больше нуля, до трёх знаков после запятой (например 0,345).');
  }
  const tag = select('line-tag').value;
  state.draft.addLine({ sku: sku || name, name: name || sku, price, qty, tags: tag ? [tag] : [] });
  form('line-form').reset();
  render();
  $('line-sku').focus();
}

/**
 * Reads the total field; `strict` turns a bad entry into an error instead of "no total".
 * @param {boolean} strict
 */
export function syncTotal(strict) {
  const text = input('total-input').value.trim();
  const kopecks = parseRubles(text);
  if (strict && state.draft.mode === 'total' && (kopecks === null || kopecks === 0)) {
    focusField('total-input');
    throw new DraftError('Сумма покупки: сумма в рублях больше нуля, например 1 200,00.');
  }
  state.draft.setTotal(kopecks || null);
}

// ---------------------------------------------------------------- points and coupons

/** @param {RedeemChoice['kind']} kind */
export function setRedeemRadio(kind) {
  for (const radio of document.querySelectorAll('input[name="redeem"]')) {
    if (radio instanceof HTMLInputElement) radio.checked = radio.value === kind;
  }
}

/** @param {boolean} strict */
export function syncPayForm(strict) {
  const checked = document.querySelector('input[name="redeem"]:checked');
  const kind = checked instanceof HTMLInputElement ? checked.value : 'none';
  if (kind === 'points') {
    const points = parseWhole(input('redeem-points').value);
    if (strict && (points === null || points === 0)) {
      focusField('redeem-points');
      throw new DraftError('Оплата баллами: укажите целое число баллов больше нуля.');
    }
    state.draft.setRedeem({ kind: 'points', points: points ?? 0 });
  } else {
    state.draft.setRedeem({ kind: kind === 'max' ? 'max' : 'none' });
  }
  state.draft.setCoupons(parseCoupons(input('coupons').value));
}

// ---------------------------------------------------------------- calculate, confirm, cancel

export async function calculate() {
  syncTotal(true);
  syncPayForm(true);
  const forDraft = state.draft;
  const body = forDraft.toCalculateRequest();
  const revision = forDraft.revision;
  forDraft.sentToAgent = true;
  /** @type {CalculateResponse} */
  const res = await api.post('/v1/receipts/calculate', body);
  if (forDraft !== state.draft) return;
  forDraft.applyCalculation(res, revision);
  render();
  $('btn-confirm').focus();
}

function confirmPath() {
  return `/v1/receipts/${encodeURIComponent(state.draft.id)}/confirm`;
}

/** The confirm's payments from "Получено наличными": none when empty, cash with change otherwise. */
function cashPayments() {
  const given = cashGiven(input('cash-given').value, state.draft.calculation?.totals.toPay ?? 0);
  if (given.kind === 'error') {
    $('cash-given').focus();
    throw new DraftError(given.message);
  }
  return given.kind === 'cash' ? { payments: [{ type: 'cash', amount: given.amount }] } : {};
}

export function showChangeHint() {
  const { calculation } = state.draft;
  $('cash-change').textContent = calculation
    ? changeHint(input('cash-given').value, calculation.totals.toPay)
    : '';
}

export async function confirm() {
  if (!state.draft.canConfirm) {
    throw new DraftError('Сначала рассчитайте чек (F6): подтверждается то, что показано на экране.');
  }
  const body = cashPayments();
  try {
    onConfirmed(await api.post(confirmPath(), body));
  } catch (err) {
    if (err instanceof ApiError && err.status === 403 && CODE_ERRORS.has(err.code)) {
      openCodeDialog(err);
      return;
    }
    throw err;
  }
}

export async function confirmWithCode() {
  const code = input('code-input').value.trim();
  if (!code) {
    ui.showFieldError('code-error', { message: 'Введите код из SMS.' });
    return;
  }
  try {
    /** @type {ConfirmResponse} */
    const res = await api.post(confirmPath(), { ...cashPayments(), code });
    dialog('code-dialog').close();
    onConfirmed(res);
  } catch (err) {
    if (err instanceof ApiError && err.status === 403 && CODE_ERRORS.has(err.code)) {
      ui.showFieldError('code-error', err);
      focusField('code-input');
      return;
    }
    dialog('code-dialog').close();
    throw err;
  }
}

/** @param {ApiError} err */
function openCodeDialog(err) {
  $('code-reason').textContent = err.message;
  input('code-input').value = '';
  ui.showFieldError('code-error', null);
  dialog('code-dialog').showModal();
  $('code-input').focus();
}

/** @param {ConfirmResponse} res */
function onConfirmed(res) {
  const { draft } = state;
  const lines = draft.effectiveLines().map(({ lineId, name, qty }) => ({ lineId, name, qty }));
  rememberLastReceipt({ receiptId: res.receiptId, lines });
  const parts = [
    `Чек ${res.receiptId} подтверждён.`,
    `К оплате ${formatRubles(res.totals.toPay)}.`,
    `Начислено ${formatPointsWithWord(res.totals.accruedPoints)}.`,
  ];
  if (typeof res.change === 'number') parts.push(`Сдача: ${formatRubles(res.change)}.`);
  if (draft.customer && res.balance) parts.push(`Баланс: ${formatPointsWithWord(res.balance.available)}.`);
  startNewReceipt();
  ui.showNotice(parts.join(' '));
  $('identify-input').focus();
}

export async function cancel() {
  const { draft } = state;
  if (draft.isEmpty && !input('identify-input').value) {
    ui.clearNotice();
    return;
  }
  const wasSent = draft.sentToAgent;
  if (wasSent) {
    try {
      await api.post(`/v1/receipts/${encodeURIComponent(draft.id)}/cancel`, {});
    } catch (err) {
      // The agent never stored it (or it expired): nothing to release, clearing is safe.
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
  }
  startNewReceipt();
  ui.showNotice(wasSent ? 'Чек отменён.' : 'Чек очищен.');
  $('identify-input').focus();
}
