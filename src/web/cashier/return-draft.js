// A return against a confirmed receipt: the whole receipt, or chosen lines and quantities.
/** @import { ReturnRequest } from '../../agent/till-api.js' */
/** @typedef {{ lineId: string, name: string, qty: number }} ReturnableLine */
import { parseQuantity } from './money.js';
import { DraftError } from './receipt.js';

/**
 * Lines a return form can offer, from what the page remembers of its own last sale
 * ({lineId, name, qty}) or from GET /v1/receipts/{id} (qty summed from the fiscal positions).
 * @param {{ lines: { lineId: string, name?: string, fiscalPositions?: { qty: number }[] }[] }} receiptView
 * @returns {ReturnableLine[]}
 */
export function returnableLines(receiptView) {
  return receiptView.lines.map((l) => {
    const thousandths = (l.fiscalPositions ?? []).reduce((s, p) => s + Math.round(p.qty * 1000), 0);
    return { lineId: l.lineId, name: l.name ?? `Строка ${l.lineId}`, qty: thousandths / 1000 };
  });
}

/**
 * Body of POST /v1/returns. `picked` is [{lineId, qtyText}] of the lines the cashier filled in;
 * `whole` sends no lines at all (everything that is left of the sale). `storeId` names the store
 * of the sale when several stores printed a receipt with that number.
 * @param {{ returnId: string, receiptId: string | null | undefined, whole: boolean,
 *   picked?: { lineId: string, qtyText: string }[], storeId?: string | null }} input
 * @returns {ReturnRequest}
 */
export function buildReturnRequest({ returnId, receiptId, whole, picked = [], storeId }) {
  const original = String(receiptId ?? '').trim();
  if (!original) throw new DraftError('Укажите номер исходного чека.');
  /** @type {ReturnRequest} */
  const body = { returnId, receiptId: original };
  if (storeId) body.storeId = storeId;
  if (whole) return body;
  const lines = [];
  for (const { lineId, qtyText } of picked) {
    if (String(qtyText ?? '').trim() === '') continue;
    const qty = parseQuantity(qtyText);
    if (qty === null) {
      throw new DraftError(`Строка ${lineId}: количество — число больше нуля, до трёх знаков после запятой.`);
    }
    lines.push({ lineId, qty });
  }
  if (lines.length === 0) {
    throw new DraftError('Укажите количество хотя бы в одной строке или отметьте «Весь чек».');
  }
  body.lines = lines;
  return body;
}

/**
 * The stores to choose from when the agent answers RECEIPT_AMBIGUOUS (its `details`), or null.
 * @param {{ code?: unknown, details?: unknown } | null | undefined} error
 * @returns {string[] | null}
 */
export function ambiguousStores(error) {
  if (error?.code !== 'RECEIPT_AMBIGUOUS' || !Array.isArray(error.details)) return null;
  const stores = error.details.filter(/** @returns {s is string} */ (s) => typeof s === 'string' && s !== '');
  return stores.length > 0 ? stores : null;
}
