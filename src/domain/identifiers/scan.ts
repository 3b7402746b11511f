// What a code read by a scanner (or a magnetic reader in keyboard mode) identifies: a QR token of
// the mobile app, a card (track 2 or barcode digits) or a phone typed into a scanner field.
import type { CardRange } from '../types.js';
import { ean13Valid, normalizeCard, parseTrack2 } from './card.js';
import { normalizePhone } from './phone.js';

export type ScanResult =
  | { kind: 'card'; card: string; value: string }
  | { kind: 'qr'; token: string; value: string }
  | { kind: 'phone'; phone: string; value: string };

/** Phone punctuation only a person types: "+7 …", "8 (912) …", "912-345-67-89". */
const PHONE_SHAPE = /^(\+\d|\d[\d ]*\(|\d{3,4}[ -]\d{3}[ -]?\d{2}[ -]?\d{2}$)/;

/**
 * Returns null for anything that is not a loyalty code (a product barcode, noise). With `ranges`,
 * digits outside the program's card ranges are not a card either; without, a 13-digit code must
 * at least carry a valid EAN-13 check digit. `value` repeats the normalized card/token/phone.
 */
export function classifyScan(raw: string, ranges?: CardRange[]): ScanResult | null {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text.startsWith('LQ1.')) return { kind: 'qr', token: text, value: text };
  const track = text.startsWith(';') ? parseTrack2(text) : null;
  if (track) return card(track, ranges ?? []);
  if (PHONE_SHAPE.test(text)) {
    try {
      const phone = normalizePhone(text);
      return { kind: 'phone', phone, value: phone };
    } catch {
      return null;
    }
  }
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) return null;
  if (ranges === undefined && digits.length === 13 && !ean13Valid(digits)) return null;
  return card(digits, ranges ?? []);
}

function card(number: string, ranges: CardRange[]): ScanResult | null {
  try {
    const c = normalizeCard(number, ranges);
    return { kind: 'card', card: c, value: c };
  } catch {
    return null;
  }
}
