// Exact integer arithmetic for money and quantities. Kopecks are integers, quantities are held
// as integer thousandths, percents as integer ten-thousandths: every product is computed on
// integers (BigInt when a Number could lose precision), so no binary floating-point drift
// ever reaches a receipt.
import type { Kopecks } from './types.js';

/** Thousandths in one unit of quantity. */
export const QTY_SCALE = 1000;
/** Ten-thousandths in one percent (or one unit of a multiplier factor). */
export const RATIO_SCALE = 10_000;

export type Rounding = 'floor' | 'ceil' | 'halfUp';

/** Rounds half away from zero (1.5 → 2, −1.5 → −2). */
export function roundHalfUp(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x}`);
  const abs = Math.abs(x);
  const whole = Math.floor(abs);
  const rounded = abs - whole >= 0.5 ? whole + 1 : whole;
  return x < 0 ? -rounded : rounded;
}

/** num / den rounded as asked, on BigInts (den > 0). */
export function divBig(num: bigint, den: bigint, mode: Rounding): bigint {
  if (den <= 0n) throw new RangeError('divisor must be positive');
  const q = num / den; // truncates toward zero
  const r = num % den;
  if (r === 0n) return q;
  switch (mode) {
    case 'floor':
      return num < 0n ? q - 1n : q;
    case 'ceil':
      return num < 0n ? q : q + 1n;
    case 'halfUp': {
      const twice = (r < 0n ? -r : r) * 2n;
      if (twice >= den) return num < 0n ? q - 1n : q + 1n;
      return q;
    }
  }
}

/**
 * a × b / den rounded as asked, exactly, for integers a, b and a positive integer den.
 * Uses Numbers while the product is exactly representable, BigInt otherwise.
 */
export function mulDiv(a: number, b: number, den: number, mode: Rounding): number {
  const product = a * b;
  if (Number.isSafeInteger(product) && Number.isSafeInteger(den)) {
    // Exact in Numbers: % of safe integers is exact, and (product − r) / den is a whole quotient.
    // This is the hot path of every receipt; BigInt costs an allocation per operation.
    const r = product % den;
    const q = (product - r) / den + 0;
    if (r === 0) return q;
    switch (mode) {
      case 'floor':
        return product < 0 ? q - 1 : q;
      case 'ceil':
        return product < 0 ? q : q + 1;
      case 'halfUp':
        return Math.abs(r) * 2 >= den ? (product < 0 ? q - 1 : q + 1) : q;
    }
  }
  return Number(divBig(BigInt(a) * BigInt(b), BigInt(den), mode));
}

/** Integer units of `1 / scale` in x, or null when x has more decimals than the scale holds. */
export function scaledOrNull(x: unknown, scale: number): number | null {
  if (typeof x !== 'number' || !Number.isFinite(x)) return null;
  const scaled = Math.round(x * scale);
  // Division is correctly rounded, so a decimal with few enough digits survives the round trip.
  if (!Number.isSafeInteger(scaled) || scaled / scale !== x) return null;
  return scaled;
}

/** 0.455 → 455; throws RangeError for more than 3 decimals or a non-finite number. */
export function toMilli(qty: number): number {
  const milli = scaledOrNull(qty, QTY_SCALE);
  if (milli === null) throw new RangeError(`quantity ${qty} must have at most 3 decimals`);
  return milli;
}

/** Whether a quantity is a whole number of units. */
export function isWholeQty(qty: number): boolean {
  return toMilli(qty) % QTY_SCALE === 0;
}

/** a = roundHalfUp(price × qty), computed on integer thousandths. */
export function lineAmount(price: Kopecks, qty: number): Kopecks {
  return mulDiv(price, toMilli(qty), QTY_SCALE, 'halfUp');
}

/** Lowest amount a line may reach: ceil(minPrice × qty). */
export function lineFloor(minPrice: Kopecks, qty: number): Kopecks {
  return mulDiv(minPrice, toMilli(qty), QTY_SCALE, 'ceil');
}

/** A percent (may be fractional, e.g. 2.5) as integer ten-thousandths; throws for > 4 decimals. */
export function toRatio(percent: number): number {
  const ratio = scaledOrNull(percent, RATIO_SCALE);
  if (ratio === null) throw new RangeError(`${percent} must have at most 4 decimals`);
  return ratio;
}

/** roundHalfUp(amount × percent / 100), exact. */
export function percentOf(amount: Kopecks, percent: number, mode: Rounding = 'halfUp'): Kopecks {
  return mulDiv(amount, toRatio(percent), 100 * RATIO_SCALE, mode);
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** 120000 → "1 200,00 ₽"; −5 → "-0,05 ₽" (plain spaces, comma before kopecks). */
export function formatRub(kopecks: Kopecks): string {
  if (!Number.isSafeInteger(kopecks)) throw new RangeError(`kopecks must be an integer, got ${kopecks}`);
  const abs = Math.abs(kopecks);
  const rubles = groupThousands(String(Math.floor(abs / 100)));
  const kop = String(abs % 100).padStart(2, '0');
  return `${kopecks < 0 ? '-' : ''}${rubles},${kop} ₽`;
}

/** 2.5 → "2,5 %", 15 → "15 %" (Russian decimal comma). */
export function formatPercent(percent: number): string {
  return `${String(percent).replace('.', ',')} %`;
}
