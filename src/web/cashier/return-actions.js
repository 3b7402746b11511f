// The return dialog (F8): the receipt number (the page's last sale offered first), its lines, the
// quantities to return, and the store when several stores printed that number. Errors stay
// inside the dialog.
/** @import { ReceiptView, ReturnResponse } from '../../agent/till-api.js' */
/** @import { ReturnableLine } from './return-draft.js' */
import { ApiError } from './api.js';
import { $, dialog, h, input, select } from './dom.js';
import { DraftError, newReceiptId } from './receipt.js';
import { renderReturnLines, renderReturnResult } from './receipt-view.js';
import { ambiguousStores, buildReturnRequest, returnableLines } from './return-draft.js';
import { focusField, run } from './run.js';
import { api, lastReceipt, settings, state } from './state.js';
import * as ui from './ui.js';

function newReturnId() {
  return newReceiptId(`${settings.tillId ?? 'till'}-ret`);
}

/** @param {{ lines: ReturnableLine[] } | null} source */
function showReturnLines(source) {
  renderReturnLines(source?.lines ?? []);
  syncReturnWhole();
}

/** The quantity fields of the lines, in table order. */
function qtyInputs() {
  return [...document.querySelectorAll('#return-lines-body input')].filter(
    /** @returns {el is HTMLInputElement} */ (el) => el instanceof HTMLInputElement,
  );
}

export function syncReturnWhole() {
  const whole = input('return-whole').checked;
  for (const field of qtyInputs()) field.disabled = whole;
}

export function openReturnDialog() {
  const last = lastReceipt();
  state.returnId = newReturnId();
  input('return-receipt').value = last?.receiptId ?? '';
  input('return-whole').checked = true;
  offerStores(null);
  ui.showFieldError('return-error', null);
  renderReturnResult(null);
  showReturnLines(last);
  dialog('return-dialog').showModal();
  focusField('return-receipt');
}

export async function loadReturnLines() {
  ui.showFieldError('return-error', null);
  const receiptId = input('return-receipt').value.trim();
  if (!receiptId) throw new DraftError('Укажите номер исходного чека.');
  const last = lastReceipt();
  if (last?.receiptId === receiptId) {
    showReturnLines(last);
    return;
  }
  /** @type {ReceiptView} */
  const view = await api.get(`/v1/receipts/${encodeURIComponent(receiptId)}`);
  showReturnLines({ lines: returnableLines(view) });
}

export async function submitReturn() {
  ui.showFieldError('return-error', null);
  const picked = qtyInputs().map((field) => ({ lineId: field.dataset.lineId ?? '', qtyText: field.value }));
  const body = buildReturnRequest({
    returnId: state.returnId ?? newReturnId(),
    receiptId: input('return-receipt').value,
    whole: input('return-whole').checked,
    picked,
    storeId: $('return-store-row').hidden ? null : select('return-store').value,
  });
  /** @type {ReturnResponse} */
  let res;
  try {
    res = await api.post('/v1/returns', body);
  } catch (err) {
    // Several stores printed this receipt number: the cashier picks the one on the paper receipt.
    const stores = err instanceof ApiError ? ambiguousStores(err) : null;
    if (stores) offerStores(stores);
    throw err;
  }
  // The same returnId is reused on a retry after a failure (idempotent); a new one after success.
  state.returnId = newReturnId();
  renderReturnResult(res);
}

/**
 * Shows the store choice with these stores, or hides it (null).
 * @param {string[] | null} stores
 */
export function offerStores(stores) {
  select('return-store').replaceChildren(
    ...(stores ?? []).map((id) => h('option', { value: id, textContent: id })),
  );
  $('return-store-row').hidden = stores === null;
}

/**
 * Errors inside the return dialog are shown in the dialog, not behind it.
 * @param {() => Promise<void>} action
 */
export function inReturnDialog(action) {
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
