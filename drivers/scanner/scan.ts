// What the scanner driver hands on: a code it read, with the meaning the host's classifier gave it.
// The rules that tell a loyalty card from a phone or a QR token are the host's (the agent passes
// its domain classifier in), so the driver knows no domain.

export type ScanKind = 'card' | 'phone' | 'qr';

export interface Scan {
  /** The code exactly as the scanner sent it (GS kept). Holds personal data: never log it. */
  raw: string;
  kind: ScanKind;
  /** The normalized value to identify with: card number, "+7XXXXXXXXXX", or the QR token. */
  value: string;
}

/**
 * null = not a loyalty code (a product barcode, noise); the caller decides what to do with it.
 * May throw an error with a string `code` (e.g. CARD_INVALID): the scanner reports it as the reason.
 */
export type ScanClassifier = (raw: string) => Scan | null;
