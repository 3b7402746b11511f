// Loyalty card numbers: typed, scanned as a barcode (EAN-13) or swiped (magnetic track 2).
import { DomainError } from '../errors.js';
import type { CardRange } from '../types.js';

/** Lengths a card number may have when the program does not say: short club cards to PAN-like. */
const MIN_LENGTH = 4;
const MAX_LENGTH = 32;

/** Whether the 13th digit is the EAN-13 check digit of the first twelve. */
export function ean13Valid(digits: string): boolean {
  if (!/^\d{13}$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < 12; i++) total += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (total % 10)) % 10 === Number(digits[12]);
}

function inRange(card: string, r: CardRange): boolean {
  if (r.prefix !== undefined && !card.startsWith(r.prefix)) return false;
  if (r.lengths !== undefined && !r.lengths.includes(card.length)) return false;
  if (r.from !== undefined && r.to !== undefined) {
    // Equal-length digit strings compare like the numbers they spell.
    if (card.length !== r.from.length || card < r.from || card > r.to) return false;
  }
  return true;
}

/**
 * The card number as digits (spaces and dashes a cashier types are dropped). A 13-digit number
 * must carry a valid EAN-13 check digit; with configured ranges the number must fall in one.
 * Throws DomainError CARD_INVALID.
 */
export function normalizeCard(raw: string, ranges: CardRange[]): string {
  const card = typeof raw === 'string' ? raw.trim().replace(/[\s-]/g, '') : '';
  if (!/^\d+$/.test(card)) throw new DomainError('CARD_INVALID', 'Номер карты должен состоять из цифр');
  if (card.length < MIN_LENGTH || card.length > MAX_LENGTH) {
    throw new DomainError(
      'CARD_INVALID',
      `В номере карты должно быть от ${MIN_LENGTH} до ${MAX_LENGTH} цифр`,
    );
  }
  if (card.length === 13 && !ean13Valid(card)) {
    throw new DomainError('CARD_INVALID', 'Неверная контрольная цифра EAN-13 в номере карты');
  }
  if (ranges.length > 0 && !ranges.some((r) => inRange(card, r))) {
    throw new DomainError('CARD_INVALID', 'Номер карты не входит в диапазоны карт этой программы');
  }
  return card;
}

/** ";NUMBER=YYMM…?" or ";NUMBER?" (a magnetic stripe's track 2) → NUMBER; anything else → null. */
export function parseTrack2(raw: string): string | null {
  const m = /^;(\d{1,37})(?:=[\d=]*)?\?.?$/.exec(typeof raw === 'string' ? raw.trim() : '');
  return m ? m[1]! : null;
}
