// How one cloud answer changes an outbox entry (SYNC-API "Delivery"). Pure: returns the new entry,
// or null when the answer changes nothing (e.g. a late `retry` for an entry already synced). And
// where a changed entry then belongs: the outbox queue or the dead letters.
import type { JournalEntry } from '../../agent/ports.js';
import type { TxResult } from '../../protocol/sync.js';
import type { PendingList } from './pending-list.js';

export function entryAfterResult(entry: JournalEntry, result: TxResult, at: string): JournalEntry | null {
  switch (result.status) {
    case 'accepted':
    case 'duplicate': {
      // Synced is final; a repeated answer keeps the first time the cloud had it.
      if (entry.state === 'synced') return null;
      const { lastError: _dropped, ...rest } = entry;
      return { ...rest, state: 'synced', syncedAt: at, attempts: entry.attempts + 1 };
    }
    case 'retry':
      if (entry.state !== 'pending') return null;
      return { ...entry, attempts: entry.attempts + 1, lastError: result.reason ?? 'retry' };
    case 'rejected':
      // A rejection after acceptance would contradict the cloud's own record: keep it synced.
      if (entry.state === 'synced') return null;
      return {
        ...entry,
        state: 'dead',
        attempts: entry.attempts + 1,
        lastError: result.reason ?? 'rejected',
      };
  }
}

/** A dead letter sent again by hand: pending, with its history (attempts, last error) kept. */
export function entryResent(entry: JournalEntry): JournalEntry {
  return { ...entry, state: 'pending' };
}

/**
 * Moves entries between the outbox queue and the dead letters after their state changed
 * (`transitions`: each entry before and after).
 */
export function moveByState(
  pending: PendingList,
  dead: Map<number, JournalEntry>,
  transitions: readonly [before: JournalEntry, after: JournalEntry][],
): void {
  const leftPending = new Set<number>();
  const backToPending: JournalEntry[] = [];
  for (const [before, after] of transitions) {
    const seq = after.tx.seq;
    if (before.state === 'pending' && after.state === 'pending') pending.replace(after);
    else if (before.state === 'pending') leftPending.add(seq);
    else if (after.state === 'pending') backToPending.push(after);
    if (before.state === 'dead') dead.delete(seq);
    if (after.state === 'dead') dead.set(seq, after);
  }
  pending.removeSeqs(leftPending);
  pending.add(backToPending);
}
