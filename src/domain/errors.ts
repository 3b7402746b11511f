// Errors of the pure core carry a stable UPPER_SNAKE code (the HTTP layer maps it to a status)
// and human text; `details` names the offending fields.

export type DomainErrorCode =
  | 'PROGRAM_INVALID'
  | 'RECEIPT_INVALID'
  | 'CARD_INVALID'
  | 'PHONE_INVALID'
  | 'QR_INVALID'
  | 'RETURN_EXCEEDS_SALE'
  | 'RETURN_INVALID';

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
