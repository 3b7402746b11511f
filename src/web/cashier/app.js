// The cashier page's entry (loaded by index.html): wires the forms, buttons and hotkeys to the
// actions, then starts a receipt, the status polling and the scanner stream. State lives in
// state.js, the actions in actions.js, return-actions.js and session.js.
import {
  addLineFromForm,
  calculate,
  cancel,
  confirm,
  confirmWithCode,
  forcedKind,
  identify,
  lineFormHasInput,
  render,
  setMode,
  setRedeemRadio,
  showChangeHint,
  startNewReceipt,
  syncPayForm,
  syncTotal,
} from './actions.js';
import { queryKind, toCustomerQuery } from './customer-input.js';
import { $, dialog, input } from './dom.js';
import {
  inReturnDialog,
  loadReturnLines,
  offerStores,
  openReturnDialog,
  submitReturn,
  syncReturnWhole,
} from './return-actions.js';
import { isDialogOpen, openTokenDialog, run } from './run.js';
import { loadSettings, pollStatus, restartScans, saveToken } from './session.js';
import { state } from './state.js';
import * as ui from './ui.js';

/** @type {Record<string, (() => void) | undefined>} */
const HOTKEYS = {
  F2: () => {
    const field = input('identify-input');
    if (field.value.trim()) run(identify);
    else field.focus();
  },
  F4: () => {
    if (state.draft.mode !== 'lines') {
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

/**
 * @param {string} id
 * @param {() => void} handler
 */
function onSubmit(id, handler) {
  $(id).addEventListener('submit', (event) => {
    event.preventDefault();
    handler();
  });
}

/** @param {string} id */
function onInput(id, handler = () => {}) {
  $(id).addEventListener('input', handler);
}

function wire() {
  onSubmit('identify-form', () => run(identify));
  onSubmit('line-form', () => run(async () => addLineFromForm()));
  onSubmit('total-form', () => run(calculate));
  onSubmit('calc-form', () => run(calculate));
  onSubmit('code-form', () => run(confirmWithCode));
  onSubmit('return-form', inReturnDialog(submitReturn));
  onSubmit('token-form', saveToken);

  onInput('identify-input', () => {
    const q = toCustomerQuery(input('identify-input').value, forcedKind());
    ui.renderIdentifyHint(queryKind(q));
  });
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    if (!(radio instanceof HTMLInputElement)) continue;
    radio.addEventListener('change', () => {
      setMode(radio.value === 'total' ? 'total' : 'lines');
      render();
    });
  }
  onInput('total-input', () => {
    syncTotal(false);
    render();
  });
  onInput('redeem-points', () => {
    setRedeemRadio('points');
    syncPayForm(false);
    render();
  });
  $('calc-form').addEventListener('change', () => {
    syncPayForm(false);
    render();
  });
  onInput('coupons', () => {
    syncPayForm(false);
    render();
  });

  onInput('cash-given', showChangeHint);
  $('cash-given').addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    run(confirm);
  });
  $('btn-confirm').addEventListener('click', () => run(confirm));
  $('btn-cancel').addEventListener('click', () => run(cancel));
  $('btn-return').addEventListener('click', openReturnDialog);
  $('btn-token').addEventListener('click', () => openTokenDialog(null));
  $('btn-code-cancel').addEventListener('click', () => dialog('code-dialog').close());
  $('btn-return-close').addEventListener('click', () => dialog('return-dialog').close());
  $('btn-return-load').addEventListener('click', inReturnDialog(loadReturnLines));
  // The store choice belongs to the receipt number it was offered for.
  onInput('return-receipt', () => offerStores(null));
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
  if (state.token) {
    restartScans();
  } else {
    openTokenDialog(null);
  }
  pollStatus();
  if (!isDialogOpen()) $('identify-input').focus();
}

main();
