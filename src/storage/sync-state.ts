// The sync client's durable state (`state.json`): cursors, offline redemptions, QR replay ids, keys.
import { join } from 'node:path';
import type { SyncState } from '../agent/ports.js';
import { FileState } from './file-state.js';
import type { StoreLogger } from './logger.js';

export const SYNC_STATE_FILE = 'state.json';

export function emptySyncState(): SyncState {
  return { offlineRedeemed: {}, usedQrTokens: {}, qrKeys: [] };
}

/** Fills the fields a state written by an older version may lack; null for what is not an object. */
function normalizeSyncState(stored: unknown): SyncState | null {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return null;
  return { ...emptySyncState(), ...(stored as Partial<SyncState>) };
}

export function openSyncState(
  dataDir: string,
  options: { logger: StoreLogger; readOnly?: boolean },
): Promise<FileState<SyncState>> {
  return FileState.open<SyncState>(join(dataDir, SYNC_STATE_FILE), {
    ...options,
    defaults: emptySyncState,
    normalize: normalizeSyncState,
  });
}
