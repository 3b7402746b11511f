// Errors the sync client throws. Callers at the till tell them apart by `code` (a stable string),
// the drain by the retry/fatal verdict they carry.
import type { Classification } from './classification.js';

/** A call to the cloud failed; `classification` says whether trying again later makes sense. */
export class CloudCallError extends Error {
  readonly code = 'CLOUD_UNAVAILABLE';
  constructor(
    readonly classification: Classification,
    options?: { cause?: unknown },
  ) {
    super(classification.reason, options);
    this.name = 'CloudCallError';
  }
}

/** The cloud answered 2xx with a body this agent cannot read (wrong shape): a bug on one side. */
export class CloudProtocolError extends Error {
  readonly code = 'CLOUD_PROTOCOL';
  constructor(message: string) {
    super(message);
    this.name = 'CloudProtocolError';
  }
}

/** `POST /v1/holds` answered 409: the customer has fewer points than the receipt wants to spend. */
export class InsufficientPointsError extends Error {
  readonly code = 'INSUFFICIENT_POINTS';
  constructor(message = 'The cloud has fewer points for this customer than requested') {
    super(message);
    this.name = 'InsufficientPointsError';
  }
}

/** `POST /v1/identify` answered 400 QR_INVALID: the cloud refuses the token (used by another agent). */
export class QrRefusedError extends Error {
  readonly code = 'QR_INVALID';
  constructor(message = 'The cloud refuses this QR token: it was used at another till') {
    super(message);
    this.name = 'QrRefusedError';
  }
}
