// What a scanned code means for the till: a loyalty card (barcode or magnetic track 2), a phone
// number, or the mobile app's QR token. The rules live in the domain (classifyScan, which also
// reads track 2 through parseTrack2); this only shapes the event the scanner driver and the scan
// routes hand on (drivers/scanner/scan.ts).
import type { ScanClassifier } from '../../../drivers/scanner/scan.js';
import { classifyScan } from '../../domain/index.js';
import type { CardRange } from '../../domain/types.js';

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
