// Points held in the cloud for an online redemption, from the calculate until the receipt is
// confirmed (the sale captures the hold) or cancelled (released here). The cloud answers whether
// the customer still has the points; a hold that cannot be released expires by its TTL there.
import type { CallBudget, CloudGateway } from './ports.js';

/** What the cloud said to a hold: placed, not enough points, or no answer in time. */
export type HoldOutcome =
  | { kind: 'held'; holdId: string }
  | { kind: 'insufficient' }
  | { kind: 'unreachable' };

export class PointsHolds {
  constructor(
    private readonly o: {
      cloud: CloudGateway | null;
      ttlSec: number;
      newId: () => string;
    },
  ) {}

  /** Asks the cloud (there must be one) to hold `points` of the customer for this receipt. */
  async place(
    receiptId: string,
    customerId: string,
    points: number,
    budget: CallBudget,
  ): Promise<HoldOutcome> {
    const holdId = this.o.newId();
    try {
      const answer = await this.o.cloud!.createHold(
        { holdId, customerId, points, receiptId, ttlSec: this.o.ttlSec },
        budget,
      );
      return answer.kind === 'held' ? { kind: 'held', holdId } : { kind: 'insufficient' };
    } catch {
      // No answer (unreachable, late, unreadable): the caller decides from the local balance.
      return { kind: 'unreachable' };
    }
  }

  async release(holdId: string, budget?: CallBudget): Promise<void> {
    // Best effort: a hold that cannot be released now expires by its TTL in the cloud. One that did
    // not fit the request's budget is tried once more off the sale's clock (nobody waits on it).
    await this.o.cloud?.releaseHold(holdId, budget).catch(() => {
      if (budget) void this.o.cloud?.releaseHold(holdId).catch(() => undefined);
    });
  }
}
