// What the cashier typed or scanned to find a customer: a card, a phone or an app QR.
// The agent validates and normalises; here we only decide which field of /v1/identify to fill.
/** @import { CustomerQuery } from '../../agent/till-api.js' */
/** @typedef {'card' | 'phone' | 'qr'} QueryKind */

/** Magnetic stripe track 2: ";NUMBER?" or ";NUMBER=YYMM…?". */
const TRACK2 = /^;(\d{4,32})(?:=[^?]*)?\??$/;
const PHONE_OR_NUMBER = /^[\d\s()+-]+$/;

/**
 * @param {string} digits
 * @param {boolean} hasPlus
 */
function isPhoneDigits(digits, hasPlus) {
  if (digits.length === 10) return digits.startsWith('9');
  if (digits.length === 11) return hasPlus ? digits.startsWith('7') : /^[78]9/.test(digits);
  return false;
}

/**
 * Guesses the kind of `text`. `forced` ("card" | "phone" | "qr") overrides the guess.
 * Returns the CustomerQuery body for POST /v1/identify, or null for an empty input.
 * @param {string | null | undefined} text
 * @param {'auto' | QueryKind} [forced]
 * @returns {CustomerQuery | null}
 */
export function toCustomerQuery(text, forced = 'auto') {
  const s = String(text ?? '').trim();
  if (!s) return null;
  if (forced === 'phone') return { phone: s };
  if (forced === 'qr') return { qr: s };
  const track = TRACK2.exec(s);
  if (track?.[1]) return { card: track[1] };
  if (forced === 'card') return { card: s.replace(/[\s-]/g, '') };
  if (PHONE_OR_NUMBER.test(s)) {
    const digits = s.replace(/\D/g, '');
    if (isPhoneDigits(digits, s.startsWith('+'))) return { phone: s };
    if (/^\d[\d\s-]*$/.test(s)) return { card: digits };
  }
  // Anything else (letters, long signed tokens) is what the mobile app shows as a QR code.
  return { qr: s };
}

/**
 * "card" | "phone" | "qr" of a query from toCustomerQuery.
 * @param {CustomerQuery | null} query
 * @returns {QueryKind | null}
 */
export function queryKind(query) {
  if (!query) return null;
  if ('card' in query) return 'card';
  if ('phone' in query) return 'phone';
  return 'qr';
}

/**
 * Russian label of a query kind for the hint next to the input.
 * @type {Record<QueryKind, string>}
 */
export const KIND_LABELS = { card: 'Карта', phone: 'Телефон', qr: 'QR-код' };
