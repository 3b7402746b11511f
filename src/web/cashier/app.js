// The cashier page: wires the forms, hotkeys, status polling and scanner stream to the POS API.
import { ApiError, createApi } from './api.js';
import { cashGiven, changeHint } from './cash.js';
import { queryKind, toCustomerQuery } from './customer-input.js';
import { formatPointsWithWord, formatRubles, parseQuantity, parseRubles, parseWhole } from './money.js';
import { DraftError, newReceiptId, parseCoupons, ReceiptDraft } from './receipt.js';
import { ambiguousStores, buildReturnRequest, returnableLines } from './return-draft.js';
import { subscribeScans } from './scans.js';
import * as ui from './ui.js';

const { $ } = ui;
const TOKEN_KEY = 'loyalty-cashier.token';
const LAST_RECEIPT_KEY = 'loyalty-cashier.last-receipt';
const CODE_ERRORS = new Set(['CODE_REQUIRED', 'CODE_INVALID']);

/** tillId: from the plugin options or `?tillId=`; null = let the token decide. */
const settings = { tillId: null, statusPollMs: 5000 };
let token = takeToken();
const api = createApi({ getToken: () => token });
/** @type {ReceiptDraft} */
let draft;
let customerSource = null;
let busy = false;
let stopScans = () => {};
let tokenPromptedFor;
/** Id of the return being prepared: kept across retries of a failed attempt (idempotent). */
let returnId = null;

// ---------------------------------------------------------------- storage

function storageGet(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function storageSet(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or a full disk: the page still works, it just forgets after a reload.
  }
}

/** `?token=` wins once and is removed from the address bar; otherwise the saved one. */
function takeToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storageSet(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url);
    return fromUrl;
  }
  return storageGet(TOKEN_KEY);
}

function lastReceipt() {
  try {
    return JSON.parse(storageGet(LAST_RECEIPT_KEY) ?? 'null');
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- running actions

/** Puts the cursor in a field with its text selected, so typing replaces a wrong entry. */
function focusField(id) {
  const input = $(id);
  input.focus();
  input.select();
}

function isDialogOpen() {
  return document.querySelector('dialog[open]') !== null;
}

function reportError(err) {
  if (err instanceof ApiError || err instanceof DraftError) {
    ui.showError(err);
    if (err instanceof ApiError && err.status === 401) openTokenDialog(err.message);
    return;
  }
  // A defect of the page itself: a short message for the cashier, the details for the console.
  console.error(err);
  ui.showError({ code: 'PAGE_ERROR', message: 'Ошибка на странице кассира. Обновите страницу (F5).' });
}

/** Runs one cashier action at a time (a double F9 must not confirm twice), showing its error. */
async function run(action) {
  if (busy) return;
  busy = true;
  document.body.classList.add('busy');
  try {
    ui.clearError();
    await action();
  } catch (err) {
    reportError(err);
  } finally {
    busy = false;
    document.body.classList.remove('busy');
  }
}

function render() {
  ui.renderReceipt(draft, (lineId) => {
    draft.removeLine(lineId);
    render();
    $('line-sku').focus();
  });
  ui.renderCustomer(draft.customer, customerSource, () => {
    draft.clearCustomer();
    customerSource = null;
    $('redeem-points').value = '';
    setRedeemRadio('none');
    render();
    $('identify-input').focus();
  });
  showChangeHint();
}

function startNewReceipt() {
  draft = new ReceiptDraft(newReceiptId(settings.tillId ?? 'till'));
  customerSource = null;
  $('line-form').reset();
  $('total-input').value = '';
  $('calc-form').reset();
  $('identify-input').value = '';
  $('identify-kind').value = 'auto';
  $('cash-given').value = '';
  $('cash-change').textContent = '';
  ui.renderIdentifyHint(null);
  setMode('lines');
  render();
}

// ---------------------------------------------------------------- identify

async function identify() {
  const input = $('identify-input');
  const query = toCustomerQuery(input.value, $('identify-kind').value);
  if (!query) {
    input.focus();
    throw new DraftError('Введите номер карты или телефона, или отсканируйте QR-код покупателя.');
  }
  const forDraft = draft;
  const res = await api.post('/v1/identify', query);
  if (forDraft !== draft) return;
  draft.setCustomer(query, res.customer);
  customerSource = res.source;
  input.value = '';
  $('identify-kind').value = 'auto';
  $('cash-given').value = '';
  $('cash-change').textContent = '';
  ui.renderIdentifyHint(null);
  render();
  (draft.mode === 'total' ? $('total-input') : $('line-sku')).focus();
}

function onScan(scan) {
  if (isDialogOpen()) return;
  $('identify-input').value = scan.text;
  $('identify-kind').value = scan.kind ?? 'auto';
  run(identify);
}

// ---------------------------------------------------------------- lines and totals

function setMode(mode) {
  draft.setMode(mode);
  for (const radio of document.querySelectorAll('input[name="mode"]')) radio.checked = radio.value === mode;
  $('line-form').hidden = mode !== 'lines';
  $('total-form').hidden = mode !== 'total';
}

function lineFormHasInput() {
  return ['line-sku', 'line-name', 'line-price'].some((id) => $(id).value.trim() !== '');
}

function addLineFromForm() {
  const sku = $('line-sku').value.trim();
  const name = $('line-name').value.trim();
  if (!sku && !name) {
    $('line-sku').focus();
    throw new DraftError('Введите артикул или наименование товара.');
  }
  const price = parseRubles($('line-price').value);
  if (price === null || price === 0) {
    focusField('line-price');
    throw new DraftError('Цена: сумма в рублях больше нуля, например 89,90.');
  }
  const qty = parseQuantity($('line-qty').value);
  if (qty === null) {
    focusField('line-qty');
    throw new DraftError('Количество: число больше нуля, до трёх знаков после запятой (например 0,345).');
  }
  const tag = $('line-tag').value;
  draft.addLine({ sku: sku || name, name: name || sku, price, qty, tags: tag ? [tag] : [] });
  $('line-form').reset();
  render();
  $('line-sku').focus();
}

/** Reads the total field; `strict` turns a bad entry into an error instead of "no total". */
function syncTotal(strict) {
  const text = $('total-input').value.trim();
  const kopecks = parseRubles(text);
  if (strict && draft.mode === 'total' && (kopecks === null || kopecks === 0)) {
    focusField('total-input');
    throw new DraftError('Сумма покупки: сумма в рублях больше нуля, например 1 200,00.');
  }
  draft.setTotal(kopecks || null);
}

// ---------------------------------------------------------------- points and coupons

function setRedeemRadio(kind) {
  for (const radio of document.querySelectorAll('input[name="redeem"]')) radio.checked = radio.value === kind;
}

function syncPayForm(strict) {
  const kind = document.querySelector('input[name="redeem"]:checked')?.value ?? 'none';
  if (kind === 'points') {
    const points = parseWhole($('redeem-points').value);
    if (strict && (points === null || points === 0)) {
      focusField('redeem-points');
      throw new DraftError('Оплата баллами: укажите целое число баллов больше нуля.');
    }
    draft.setRedeem({ kind: 'points', points: points ?? 0 });
  } else {
    draft.setRedeem({ kind });
  }
  draft.setCoupons(parseCoupons($('coupons').value));
}

// ---------------------------------------------------------------- calculate, confirm, cancel

async function calculate() {
  syncTotal(true);
  syncPayForm(true);
  const body = draft.toCalculateRequest();
  const forDraft = draft;
  const revision = draft.revision;
  draft.sentToAgent = true;
  const res = await api.post('/v1/receipts/calculate', body);
  if (forDraft !== draft) return;
  draft.applyCalculation(res, revision);
  render();
  $('btn-confirm').focus();
}

function confirmPath() {
  return `/v1/receipts/${encodeURIComponent(draft.id)}/confirm`;
}

/** The confirm's payments from "Получено наличными": none when empty, cash with change otherwise. */
function cashPayments() {
  const given = cashGiven($('cash-given').value, draft.calculation?.totals.toPay ?? 0);
  if (given.kind === 'error') {
    $('cash-given').focus();
    throw new DraftError(given.message);
  }
  return given.kind === 'cash' ? { payments: [{ type: 'cash', amount: given.amount }] } : {};
}

function showChangeHint() {
  $('cash-change').textContent = draft.calculation
    ? changeHint($('cash-given').value, draft.calculation.totals.toPay)
    : '';
}

async function confirm() {
  if (!draft.canConfirm) {
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

async function confirmWithCode() {
  const code = $('code-input').value.trim();
  if (!code) {
    ui.showFieldError('code-error', { message: 'Введите код из SMS.' });
    return;
  }
  try {
    const res = await api.post(confirmPath(), { ...cashPayments(), code });
    $('code-dialog').close();
    onConfirmed(res);
  } catch (err) {
    if (err instanceof ApiError && err.status === 403 && CODE_ERRORS.has(err.code)) {
      ui.showFieldError('code-error', err);
      focusField('code-input');
      return;
    }
    $('code-dialog').close();
    throw err;
  }
}

function openCodeDialog(err) {
  $('code-reason').textContent = err.message;
  $('code-input').value = '';
  ui.showFieldError('code-error', null);
  $('code-dialog').showModal();
  $('code-input').focus();
}

function onConfirmed(res) {
  const lines = draft.effectiveLines().map(({ lineId, name, qty }) => ({ lineId, name, qty }));
  storageSet(LAST_RECEIPT_KEY, JSON.stringify({ receiptId: res.receiptId, lines }));
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

async function cancel() {
  if (draft.isEmpty && !$('identify-input').value) {
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

// ---------------------------------------------------------------- returns

function showReturnLines(source) {
  ui.renderReturnLines(source?.lines ?? []);
  syncReturnWhole();
}

function syncReturnWhole() {
  const whole = $('return-whole').checked;
  for (const input of document.querySelectorAll('#return-lines-body input')) input.disabled = whole;
}

function openReturnDialog() {
  const last = lastReceipt();
  returnId = newReceiptId(`${settings.tillId ?? 'till'}-ret`);
  $('return-receipt').value = last?.receiptId ?? '';
  $('return-whole').checked = true;
  offerStores(null);
  ui.showFieldError('return-error', null);
  ui.renderReturnResult(null);
  showReturnLines(last);
  $('return-dialog').showModal();
  focusField('return-receipt');
}

async function loadReturnLines() {
  ui.showFieldError('return-error', null);
  const receiptId = $('return-receipt').value.trim();
  if (!receiptId) throw new DraftError('Укажите номер исходного чека.');
  const last = lastReceipt();
  if (last?.receiptId === receiptId) {
    showReturnLines(last);
    return;
  }
  const view = await api.get(`/v1/receipts/${encodeURIComponent(receiptId)}`);
  showReturnLines({ receiptId, lines: returnableLines(view) });
}

async function submitReturn() {
  ui.showFieldError('return-error', null);
  const picked = [...document.querySelectorAll('#return-lines-body input')].map((input) => ({
    lineId: input.dataset.lineId,
    qtyText: input.value,
  }));
  const body = buildReturnRequest({
    returnId,
    receiptId: $('return-receipt').value,
    whole: $('return-whole').checked,
    picked,
    storeId: $('return-store-row').hidden ? null : $('return-store').value,
  });
  let res;
  try {
    res = await api.post('/v1/returns', body);
  } catch (err) {
    // Several stores printed this receipt number: the cashier picks the one on the paper receipt.
    const stores = ambiguousStores(err);
    if (stores) offerStores(stores);
    throw err;
  }
  // The same returnId is reused on a retry after a failure (idempotent); a new one after success.
  returnId = newReceiptId(`${settings.tillId ?? 'till'}-ret`);
  ui.renderReturnResult(res);
}

/** Shows the store choice with these stores, or hides it (null). */
function offerStores(stores) {
  const select = $('return-store');
  select.replaceChildren(
    ...(stores ?? []).map((id) => {
      const option = document.createElement('option');
      option.value = id;
      option.textContent = id;
      return option;
    }),
  );
  $('return-store-row').hidden = stores === null;
}

/** Errors inside the return dialog are shown in the dialog, not behind it. */
function inReturnDialog(action) {
  return () =>
    run(async () => {
      try {
        await action();
      } catch (err) {
        if (err instanceof ApiError || err instanceof DraftError) ui.showFieldError('return-error', err);
        else throw err;
      }
    });
}

// ---------------------------------------------------------------- token, status, scanner

function openTokenDialog(reason) {
  if (isDialogOpen() && !$('token-dialog').open) return;
  tokenPromptedFor = token;
  $('token-input').value = '';
  ui.showFieldError('token-error', reason ? { message: reason } : null);
  if (!$('token-dialog').open) $('token-dialog').showModal();
  $('token-input').focus();
}

function saveToken() {
  const value = $('token-input').value.trim();
  if (!value) {
    ui.showFieldError('token-error', { message: 'Введите токен кассы.' });
    return;
  }
  token = value;
  storageSet(TOKEN_KEY, value);
  $('token-dialog').close();
  ui.clearError();
  restartScans();
  pollStatus();
  $('identify-input').focus();
}

let statusTimer = null;
async function pollStatus() {
  clearTimeout(statusTimer);
  try {
    ui.renderStatus(await api.get('/v1/status'));
  } catch (err) {
    ui.renderStatusUnavailable(err);
    if (err instanceof ApiError && err.status === 401 && tokenPromptedFor !== token) {
      openTokenDialog(err.message);
    }
  } finally {
    statusTimer = setTimeout(pollStatus, settings.statusPollMs);
  }
}

function restartScans() {
  stopScans();
  stopScans = subscribeScans({ tillId: settings.tillId, token, onScan, onState: ui.renderScannerState });
}

/** Page settings from the agent (no token needed); `?tillId=` in the address wins. */
async function loadSettings() {
  try {
    const res = await fetch('/cashier/config.json', { cache: 'no-store' });
    if (res.ok) Object.assign(settings, await res.json());
  } catch {
    // Defaults are fine; the till id only names receipts and picks the scanner stream.
  }
  const fromUrl = new URL(location.href).searchParams.get('tillId');
  if (fromUrl) settings.tillId = fromUrl;
}

// ---------------------------------------------------------------- wiring

const HOTKEYS = {
  F2: () => {
    const input = $('identify-input');
    if (input.value.trim()) run(identify);
    else input.focus();
  },
  F4: () => {
    if (draft.mode !== 'lines') {
      setMode('lines');
      render();
    }
    if (lineFormHasInput()) run(async () => addLineFromForm());
    else $('line-sku').focus();
  },
  F6: () => run(calculate),
  F8: openReturnDialog,
  F9: () => run(confirm),
  Escape: () => run(cancel),
};

function onSubmit(id, handler) {
  $(id).addEventListener('submit', (event) => {
    event.preventDefault();
    handler();
  });
}

function wire() {
  onSubmit('identify-form', () => run(identify));
  onSubmit('line-form', () => run(async () => addLineFromForm()));
  onSubmit('total-form', () => run(calculate));
  onSubmit('calc-form', () => run(calculate));
  onSubmit('code-form', () => run(confirmWithCode));
  onSubmit('return-form', inReturnDialog(submitReturn));
  onSubmit('token-form', saveToken);

  $('identify-input').addEventListener('input', (e) => {
    const q = toCustomerQuery(e.target.value, $('identify-kind').value);
    ui.renderIdentifyHint(queryKind(q));
  });
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener('change', () => {
      setMode(radio.value);
      render();
    });
  }
  $('total-input').addEventListener('input', () => {
    syncTotal(false);
    render();
  });
  $('redeem-points').addEventListener('input', () => {
    setRedeemRadio('points');
    syncPayForm(false);
    render();
  });
  $('calc-form').addEventListener('change', () => {
    syncPayForm(false);
    render();
  });
  $('coupons').addEventListener('input', () => {
    syncPayForm(false);
    render();
  });

  $('cash-given').addEventListener('input', showChangeHint);
  $('cash-given').addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    run(confirm);
  });
  $('btn-confirm').addEventListener('click', () => run(confirm));
  $('btn-cancel').addEventListener('click', () => run(cancel));
  $('btn-return').addEventListener('click', openReturnDialog);
  $('btn-token').addEventListener('click', () => openTokenDialog(null));
  $('btn-code-cancel').addEventListener('click', () => $('code-dialog').close());
  $('btn-return-close').addEventListener('click', () => $('return-dialog').close());
  $('btn-return-load').addEventListener('click', inReturnDialog(loadReturnLines));
  // The store choice belongs to the receipt number it was offered for.
  $('return-receipt').addEventListener('input', () => offerStores(null));
  $('return-whole').addEventListener('change', syncReturnWhole);
  for (const id of ['code-dialog', 'return-dialog', 'token-dialog']) {
    $(id).addEventListener('close', () => {
      if (!isDialogOpen()) $('identify-input').focus();
    });
  }

  document.addEventListener('keydown', (event) => {
    const action = HOTKEYS[event.key];
    if (!action || isDialogOpen()) return;
    event.preventDefault();
    action();
  });
}

async function main() {
  await loadSettings();
  wire();
  startNewReceipt();
  if (token) {
    restartScans();
  } else {
    openTokenDialog(null);
  }
  pollStatus();
  if (!isDialogOpen()) $('identify-input').focus();
}

main();
