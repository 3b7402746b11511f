// Errors of the pure core carry a stable UPPER_SNAKE code from the error catalogue (which gives its
// HTTP status) and human text; `details` names the offending fields.
import type { ErrorCode } from '../errors/catalogue.js';

/** The catalogue's codes the core throws; the constraint makes each one a catalogue code (type-only import). */
type OfCatalogue<C extends ErrorCode> = C;

export type DomainErrorCode = OfCatalogue<
  | 'PROGRAM_INVALID'
  | 'RECEIPT_INVALID'
  | 'CARD_INVALID'
  | 'PHONE_INVALID'
  | 'QR_INVALID'
  | 'RETURN_EXCEEDS_SALE'
  | 'RETURN_INVALID'
>;

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
