// The verdict on one failed cloud call: a plain record shared by the classifier that makes it and the
// errors that carry it (its own file, so neither of those two imports the other).

export type Verdict = 'retry' | 'fatal';

export interface Classification {
  verdict: Verdict;
  /** Short human text for status and logs; never carries request data (phones, cards). */
  reason: string;
  /** The HTTP status when the cloud answered at all. */
  status?: number;
  /** From `Retry-After`, when the cloud asked for a pause. */
  retryAfterMs?: number;
}
