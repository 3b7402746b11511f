// Running cashier actions: one at a time, each error shown in the red strip (or the token dialog
// for a 401), and the small focus helpers every action uses.
import { ApiError } from './api.js';
import { $, dialog, input } from './dom.js';
import { DraftError } from './receipt.js';
import { state } from './state.js';
import * as ui from './ui.js';

/**
 * Puts the cursor in a field with its text selected, so typing replaces a wrong entry.
 * @param {string} id
 */
export function focusField(id) {
  const field = input(id);
  field.focus();
  field.select();
}

export function isDialogOpen() {
  return document.querySelector('dialog[open]') !== null;
}

/**
 * Asks for the till token (again); `reason` says why.
 * @param {string | null} reason
 */
export function openTokenDialog(reason) {
  const tokenDialog = dialog('token-dialog');
  if (isDialogOpen() && !tokenDialog.open) return;
  state.tokenPromptedFor = state.token;
  input('token-input').value = '';
  ui.showFieldError('token-error', reason ? { message: reason } : null);
  if (!tokenDialog.open) tokenDialog.showModal();
  $('token-input').focus();
}

/** @param {unknown} err */
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

/**
 * Runs one cashier action at a time (a double F9 must not confirm twice), showing its error.
 * @param {() => unknown} action
 */
export async function run(action) {
  if (state.busy) return;
  state.busy = true;
  document.body.classList.add('busy');
  try {
    ui.clearError();
    await action();
  } catch (err) {
    reportError(err);
  } finally {
    state.busy = false;
    document.body.classList.remove('busy');
  }
}
