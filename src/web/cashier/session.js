// The page's link to its agent: settings from the agent, the till token (asked for when missing
// or refused), the status bar polled every few seconds, and the scanner stream feeding identify.
/** @import { AgentStatus } from './ui.js' */
/** @import { Scan } from './scans.js' */

import { identify } from './actions.js';
import { ApiError } from './api.js';
import { $, dialog, input, select } from './dom.js';
import { isDialogOpen, openTokenDialog, run } from './run.js';
import { subscribeScans } from './scans.js';
import { api, rememberToken, settings, state } from './state.js';
import * as ui from './ui.js';

/** Page settings from the agent (no token needed); `?tillId=` in the address wins. */
export async function loadSettings() {
  try {
    const res = await fetch('/cashier/config.json', { cache: 'no-store' });
    if (res.ok) Object.assign(settings, await res.json());
  } catch {
    // Defaults are fine; the till id only names receipts and picks the scanner stream.
  }
  const fromUrl = new URL(location.href).searchParams.get('tillId');
  if (fromUrl) settings.tillId = fromUrl;
}

export function saveToken() {
  const value = input('token-input').value.trim();
  if (!value) {
    ui.showFieldError('token-error', { message: 'Введите токен кассы.' });
    return;
  }
  rememberToken(value);
  dialog('token-dialog').close();
  ui.clearError();
  restartScans();
  pollStatus();
  $('identify-input').focus();
}

export async function pollStatus() {
  clearTimeout(state.statusTimer);
  try {
    /** @type {AgentStatus} */
    const status = await api.get('/v1/status');
    ui.renderStatus(status);
  } catch (err) {
    ui.renderStatusUnavailable(err instanceof Error ? err : { message: String(err) });
    if (err instanceof ApiError && err.status === 401 && state.tokenPromptedFor !== state.token) {
      openTokenDialog(err.message);
    }
  } finally {
    state.statusTimer = setTimeout(pollStatus, settings.statusPollMs);
  }
}

/** @param {Scan} scan */
function onScan(scan) {
  if (isDialogOpen()) return;
  input('identify-input').value = scan.text;
  select('identify-kind').value = scan.kind ?? 'auto';
  run(identify);
}

export function restartScans() {
  state.stopScans();
  state.stopScans = subscribeScans({
    tillId: settings.tillId,
    token: state.token,
    onScan,
    onState: ui.renderScannerState,
  });
}
