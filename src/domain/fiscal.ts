// MECHANICS step 7: the positions printed on the fiscal receipt for one line. A fiscal price is
// per unit, so a paid amount that does not divide by a whole quantity becomes two positions
// whose prices differ by one kopeck; the positions always sum exactly to the paid amount.
import { mulDiv, QTY_SCALE, toMilli } from './money.js';
import type { FiscalPosition, Kopecks } from './types.js';

export function fiscalPositions(paid: Kopecks, qty: number): FiscalPosition[] {
  if (!Number.isSafeInteger(paid) || paid < 0)
    throw new RangeError(`paid must be a non-negative integer, got ${paid}`);
  const milli = toMilli(qty);
  if (milli <= 0) throw new RangeError(`quantity must be > 0, got ${qty}`);
  if (milli % QTY_SCALE !== 0) {
    // Weighed goods: one position, the unit price only informs.
    return [{ qty, price: mulDiv(paid, QTY_SCALE, milli, 'halfUp'), amount: paid }];
  }
  const units = milli / QTY_SCALE;
  const base = Math.floor(paid / units);
  const extra = paid - base * units; // units that carry one more kopeck
  if (extra === 0) return [{ qty: units, price: base, amount: paid }];
  return [
    { qty: units - extra, price: base, amount: (units - extra) * base },
    { qty: extra, price: base + 1, amount: extra * (base + 1) },
  ];
}
