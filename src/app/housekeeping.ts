// Work that keeps the till's state tidy: calculated receipts past their TTL are cancelled (their
// holds released), old tombstones removed, synced history compacted. Runs at start and on a schedule.
import type { Journal, OpenReceipts } from '../agent/ports.js';
import type { TillService } from '../agent/till-service.js';

/** A cancelled receipt is remembered this long after its expiry, so a late confirm gets 409, not 404. */
const TOMBSTONE_MS = 24 * 3600_000;

export async function reapReceipts(
  o: {
    openReceipts: OpenReceipts;
    journal: Journal;
    till: TillService;
    /**
     * Receipts the register may have printed (printing, or held for a person to check): never
     * expired or forgotten here, because a printed receipt is a sale that must still be confirmable.
     */
    held?: (receiptId: string) => boolean;
  },
  now: number,
): Promise<{ cancelled: number; removed: number }> {
  let cancelled = 0;
  let removed = 0;
  for (const open of o.openReceipts.all()) {
    if (o.held?.(open.receiptId)) continue;
    const confirmed = o.journal.byReceipt(open.receiptId).some((e) => e.tx.kind === 'sale');
    const expiry = Date.parse(open.expiresAt);
    if (confirmed || (open.status === 'cancelled' && expiry + TOMBSTONE_MS < now)) {
      // Confirmed before a crash removed its open copy, or a tombstone that served its time.
      await o.openReceipts.remove(open.receiptId);
      removed++;
    } else if (open.status === 'calculated' && expiry < now) {
      await o.till.cancelOpen(open);
      cancelled++;
    }
  }
  return { cancelled, removed };
}
