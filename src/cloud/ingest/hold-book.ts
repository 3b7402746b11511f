// The holds a batch's sales name, in memory: a sale captures its hold once; the capture is noted
// when the hold was unknown, already finished, or past its TTL.
import type { DiffCollector } from './recompute-diff.js';

export interface HoldRow {
  hold_id: string;
  state: string;
  expires_at: Date;
}

/** A hold a sale of this batch captured. */
export interface CapturedHold {
  holdId: string;
  txId: string;
}

export class HoldBook {
  private readonly byId = new Map<string, HoldRow>();
  private readonly captured: CapturedHold[] = [];

  constructor(
    rows: HoldRow[],
    private readonly now: Date,
  ) {
    for (const r of rows) this.byId.set(r.hold_id, { ...r });
  }

  /** A hold only reserves points for the online check; the sale's own redeemed figure is what is spent. */
  capture(holdId: string, txId: string, diff: DiffCollector): void {
    const hold = this.byId.get(holdId);
    if (hold?.state !== 'active') {
      diff.note(`hold ${holdId} was not active (unknown, released or captured)`);
      return;
    }
    hold.state = 'captured';
    this.captured.push({ holdId, txId });
    if (hold.expires_at <= this.now) diff.note(`hold ${holdId} had expired before the sale arrived`);
  }

  capturedHolds(): CapturedHold[] {
    return this.captured;
  }
}
