// Numbers the cashier reads and types: rubles ↔ integer kopecks, points, quantities.
// Parsing works on the digits as text, so "12,35" is exactly 1235 kopecks — a float never
// touches money here.

/** Characters a cashier (or a copy-paste from a spreadsheet) uses between thousands. */
const GROUP_SPACE = '[ \\u00a0\\u202f\\u2009]';
const INTEGER_PART = `(\\d+|\\d{1,3}(?:${GROUP_SPACE}\\d{3})+)`;
const RUBLES = new RegExp(`^${INTEGER_PART}(?:[.,](\\d{0,2}))?$`);
const QUANTITY = new RegExp(`^${INTEGER_PART}(?:[.,](\\d{1,3}))?$`);
const WHOLE = new RegExp(`^${INTEGER_PART}$`);
const CURRENCY_SUFFIX = /\s*(?:₽|руб\.?|р\.?)$/i;

/** @param {string} groupedInteger */
function digitsOnly(groupedInteger) {
  return groupedInteger.replace(/\D/g, '');
}

/**
 * A string of decimal digits as a safe integer, or null when it would lose precision.
 * @param {string} digits
 * @returns {number | null}
 */
function safeInteger(digits) {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * "1 200,50", "12.5", "12,", "99 ₽" → kopecks (integer ≥ 0). Anything else — a minus sign,
 * three decimals, letters, an empty field — gives null: the caller names the field.
 * @param {string | null | undefined} text
 * @returns {number | null}
 */
export function parseRubles(text) {
  const s = String(text ?? '')
    .trim()
    .replace(CURRENCY_SUFFIX, '');
  const m = RUBLES.exec(s);
  if (!m) return null;
  const fraction = (m[2] ?? '').padEnd(2, '0');
  return safeInteger(digitsOnly(m[1] ?? '') + fraction);
}

/**
 * "3", "0,345", "1.5" → quantity with at most 3 decimals, > 0; otherwise null.
 * @param {string | null | undefined} text
 * @returns {number | null}
 */
export function parseQuantity(text) {
  const m = QUANTITY.exec(String(text ?? '').trim());
  if (!m) return null;
  const thousandths = safeInteger(digitsOnly(m[1] ?? '') + (m[2] ?? '').padEnd(3, '0'));
  if (thousandths === null || thousandths === 0) return null;
  // An integer divided by 1000 is the double nearest to the typed decimal, as JSON expects.
  return thousandths / 1000;
}

/**
 * "200", "1 500" → a whole number ≥ 0 (points); otherwise null.
 * @param {string | null | undefined} text
 * @returns {number | null}
 */
export function parseWhole(text) {
  const m = WHOLE.exec(String(text ?? '').trim());
  return m ? safeInteger(digitsOnly(m[1] ?? '')) : null;
}

/** @param {string} digits */
function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/**
 * @param {number} value
 * @param {string} what
 */
function assertInteger(value, what) {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${what} must be an integer, got ${value}`);
}

/**
 * 120050 → "1 200,50 ₽" (plain spaces, comma before kopecks, as on Russian receipts).
 * @param {number} kopecks
 */
export function formatRubles(kopecks) {
  assertInteger(kopecks, 'kopecks');
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  const rubles = groupThousands(String(Math.floor(abs / 100)));
  const kop = String(abs % 100).padStart(2, '0');
  return `${sign}${rubles},${kop} ₽`;
}

/**
 * 1500 → "1 500".
 * @param {number} points
 */
export function formatPoints(points) {
  assertInteger(points, 'points');
  return (points < 0 ? '-' : '') + groupThousands(String(Math.abs(points)));
}

/**
 * 1 → "балл", 3 → "балла", 5 / 11 / 0 → "баллов" (Russian plural of "point").
 * @param {number} points
 */
export function pointsWord(points) {
  const n = Math.abs(points) % 100;
  const last = n % 10;
  if (n >= 11 && n <= 14) return 'баллов';
  if (last === 1) return 'балл';
  if (last >= 2 && last <= 4) return 'балла';
  return 'баллов';
}

/**
 * 1500 → "1 500 баллов".
 * @param {number} points
 */
export function formatPointsWithWord(points) {
  return `${formatPoints(points)} ${pointsWord(points)}`;
}

/**
 * 0.345 → "0,345"; 3 → "3".
 * @param {number} qty
 */
export function formatQuantity(qty) {
  const thousandths = Math.round(qty * 1000);
  const whole = Math.floor(thousandths / 1000);
  const fraction = String(thousandths % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole},${fraction}` : String(whole);
}
