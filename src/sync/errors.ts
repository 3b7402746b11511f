// Errors the sync client throws when the cloud gave no usable answer; the drain reads the retry/fatal
// verdict they carry. The cloud's answers (a refused QR, too few points) are results, not errors.
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
