// What a scanned code means for the till: a loyalty card (barcode or magnetic track 2), a phone
// number, or the mobile app's QR token. The rules live in the domain (classifyScan, which also
// reads track 2 through parseTrack2); this only shapes the event.
import { classifyScan } from '../../src/domain/index.js';
import type { CardRange } from '../../src/domain/types.js';

export type ScanKind = 'card' | 'phone' | 'qr';

export interface Scan {
  /** The code exactly as the scanner sent it (GS kept). Holds personal data: never log it. */
  raw: string;
  kind: ScanKind;
  /** The normalized value to identify with: card number, "+7XXXXXXXXXX", or the QR token. */
  value: string;
}

/** null = not a loyalty code (a product barcode, noise); the caller decides what to do with it. */
export type ScanClassifier = (raw: string) => Scan | null;

/**
 * @param cardRanges the current program's card ranges (read on every scan, so a new program from
 * the cloud applies at once); without them any well-formed number (valid EAN-13) is a card.
 */
export function scanClassifier(cardRanges?: () => CardRange[] | undefined): ScanClassifier {
  return (raw) => {
    const ranges = cardRanges?.();
    const found = classifyScan(raw, ranges && ranges.length > 0 ? ranges : undefined);
    return found ? { raw, kind: found.kind, value: found.value } : null;
  };
}

export const classifyCode: ScanClassifier = scanClassifier();
