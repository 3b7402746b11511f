// Evotor-style terminals send money as rubles (Java BigDecimal: a JSON string or number, e.g.
// "89.90", 215, 1299.5) and quantities with up to 3 decimals. They are converted digit by digit —
// never multiplied as binary floats — so 0.29 rubles is 29 kopecks, not 28.999….
import type { Kopecks } from '../../domain/types.js';
import { AppError } from '../../errors/catalogue.js';

const DECIMAL = /^(\d{1,13})(?:[.,](\d+))?$/;

/** A bad value in an event: 400 naming the field, like every schema error of the agent. */
export function badField(field: string, problem: string): AppError {
  const text = `${field}: ${problem}`;
  return new AppError('BAD_REQUEST', text, [text]);
}

/**
 * The value as an integer count of 10^-scale units, or null when it has more non-zero decimals
 * than `scale` allows. Numbers go through their shortest round-trip text (89.9 → "89.9"), which
 * is exactly what the sender wrote.
 */
function toScaledInteger(value: string | number, scale: number): number | null {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const whole = match[1]!;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return null;
  const scaled = Number(whole + fraction.padEnd(scale, '0'));
  return Number.isSafeInteger(scaled) ? scaled : null;
}

/** "89.90" | 89.9 → 8990. A fraction of a kopeck is refused rather than rounded away. */
export function rublesToKopecks(value: string | number, field: string): Kopecks {
  const kopecks = toScaledInteger(value, 2);
  if (kopecks === null)
    throw badField(field, 'должно быть неотрицательной суммой в рублях, не больше 2 знаков после запятой');
  return kopecks;
}

/** "0.455" | 0.455 | "3" → a number with at most 3 decimals, > 0. */
export function parseQuantity(value: string | number, field: string): number {
  const thousandths = toScaledInteger(value, 3);
  if (thousandths === null || thousandths === 0) {
    throw badField(field, 'должно быть количеством > 0, не больше 3 знаков после запятой');
  }
  return thousandthsToQuantity(thousandths);
}

/** Quantities are added as integer thousandths (0.1 + 0.2 must be 0.3). */
export function quantityToThousandths(qty: number): number {
  return Math.round(qty * 1000);
}

export function thousandthsToQuantity(thousandths: number): number {
  // Decimal text first, so 455 becomes exactly the double nearest to 0.455.
  return Number(decimalText(thousandths, 3));
}

/** 8990 → "89.90" — the form a terminal applies (BigDecimal, two decimals). */
export function kopecksToRubles(kopecks: Kopecks): string {
  return decimalText(kopecks, 2, true);
}

/** 455 → "0.455", 3000 → "3": how quantities go back to the terminal. */
export function quantityText(qty: number): string {
  return decimalText(quantityToThousandths(qty), 3);
}

function decimalText(units: number, scale: number, keepZeros = false): string {
  const sign = units < 0 ? '-' : '';
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  const whole = digits.slice(0, -scale);
  let fraction = digits.slice(-scale);
  if (!keepZeros) fraction = fraction.replace(/0+$/, '');
  return sign + whole + (fraction ? `.${fraction}` : '');
}
