// One online budget per till request. MECHANICS "Offline": the till never waits on the cloud longer
// than the online deadline. A calculate may ask the cloud several things in turn (the customer, the
// coupons, the release of an earlier hold, a new hold); they all draw on this one budget, so each
// call gets only what the calls before it left, and a call that finds nothing left is not made at
// all — the caller falls back to the cache exactly as when the cloud does not answer.
import type { CallBudget } from './ports.js';

export class OnlineDeadline implements CallBudget {
  private readonly endsAt: number;

  /** `clock` is monotonic milliseconds (performance.now by default): wall-clock jumps do not count. */
  constructor(
    readonly budgetMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!Number.isFinite(budgetMs) || budgetMs < 0) {
      throw new RangeError(`an online deadline needs a budget of 0 ms or more, not ${budgetMs}`);
    }
    this.endsAt = clock() + budgetMs;
  }

  /** Whole milliseconds still to spend (0 when the budget is gone). */
  remainingMs(): number {
    return Math.max(0, Math.floor(this.endsAt - this.clock()));
  }
}
