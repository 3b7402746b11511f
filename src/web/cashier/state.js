// The page's state: settings, the till token, the receipt being built and the few flags the
// actions share, plus what the browser keeps across reloads (the token, the last receipt for a
// return). One object, so every module reads and changes the same values; no DOM here.
/** @import { IdentifyResponse } from '../../agent/till-api.js' */
/** @import { ReturnableLine } from './return-draft.js' */
import { createApi } from './api.js';
import { newReceiptId, ReceiptDraft } from './receipt.js';

const TOKEN_KEY = 'loyalty-cashier.token';
const LAST_RECEIPT_KEY = 'loyalty-cashier.last-receipt';

/**
 * tillId: from the plugin options or `?tillId=`; null = let the token decide.
 * @type {{ tillId: string | null, statusPollMs: number }}
 */
export const settings = { tillId: null, statusPollMs: 5000 };

/** @param {string} key */
function storageGet(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/**
 * @param {string} key
 * @param {string} value
 */
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

export const state = {
  /** @type {string | null} */
  token: takeToken(),
  /** The receipt being built (replaced by a fresh one after confirm or cancel). */
  draft: new ReceiptDraft(newReceiptId('till')),
  /** @type {IdentifyResponse['source'] | null} where the shown customer came from */
  customerSource: null,
  /** An action is running: the next one waits its turn (a double F9 must not confirm twice). */
  busy: false,
  /** Closes the scanner stream. */
  stopScans: () => {},
  /** @type {string | null | undefined} the token the cashier was last asked to replace */
  tokenPromptedFor: undefined,
  /** @type {string | null} id of the return being prepared: kept across retries (idempotent) */
  returnId: null,
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  statusTimer: undefined,
};

export const api = createApi({ getToken: () => state.token });

/** @param {string} token */
export function rememberToken(token) {
  state.token = token;
  storageSet(TOKEN_KEY, token);
}

/** @typedef {{ receiptId: string, lines: ReturnableLine[] }} LastReceipt */

/** @returns {LastReceipt | null} */
export function lastReceipt() {
  try {
    return JSON.parse(storageGet(LAST_RECEIPT_KEY) ?? 'null');
  } catch {
    return null;
  }
}

/** @param {LastReceipt} receipt */
export function rememberLastReceipt(receipt) {
  storageSet(LAST_RECEIPT_KEY, JSON.stringify(receipt));
}
