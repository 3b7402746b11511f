// Validation of receipt lines as the POS sends them. Problems are named with JSON-pointer-like
// paths ("lines/0/qty must be > 0") and reported together.
import { Issues, integerAt, isObject, quantityIssue, stringAt, stringListAt } from './checks.js';
import { DomainError } from './errors.js';
import { QTY_SCALE } from './money.js';
import type { ReceiptLineInput } from './types.js';

/** Returns clean copies of the lines; throws DomainError RECEIPT_INVALID listing every problem. */
export function validateReceiptLines(lines: unknown): ReceiptLineInput[] {
  return wellFormedReceiptLines(lines) ?? checkReceiptLines(lines);
}

/**
 * The common case, checked without composing a single message: every line well formed and its
 * lineId unique → clean copies; anything else → null, and `checkReceiptLines` names the problems.
 * It runs on every receipt, where the thorough reader's per-field paths were a quarter of all the
 * memory a calculation allocates. Property-tested to agree with `checkReceiptLines`.
 */
export function wellFormedReceiptLines(lines: unknown): ReceiptLineInput[] | null {
  if (!Array.isArray(lines) || lines.length === 0) return null;
  const seen = new Set<string>();
  const out: ReceiptLineInput[] = [];
  for (const raw of lines) {
    const line = wellFormedLine(raw);
    if (!line || seen.has(line.lineId)) return null;
    seen.add(line.lineId);
    out.push(line);
  }
  return out;
}

function wellFormedLine(raw: unknown): ReceiptLineInput | null {
  if (!isObject(raw)) return null;
  const { lineId, sku, name, price, qty, category, tags, minPrice } = raw;
  if (typeof lineId !== 'string' || lineId.trim() === '') return null;
  if (typeof sku !== 'string' || sku.trim() === '') return null;
  if (name !== undefined && typeof name !== 'string') return null;
  if (typeof price !== 'number' || !Number.isSafeInteger(price) || price < 0) return null;
  if (quantityIssue(qty) !== null) return null;
  const quantity = qty as number;
  if (!Number.isSafeInteger(price * Math.round(quantity * QTY_SCALE))) return null;
  if (category !== undefined && typeof category !== 'string') return null;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string' && t !== ''))) {
    return null;
  }
  const hasFloor = minPrice !== undefined && minPrice !== null;
  if (hasFloor && !(typeof minPrice === 'number' && Number.isSafeInteger(minPrice) && minPrice >= 0))
    return null;
  if (hasFloor && (minPrice as number) > price) return null;
  const line: ReceiptLineInput = { lineId, sku, name: name ?? '', price, qty: quantity };
  if (category !== undefined) line.category = category;
  if (tags !== undefined) line.tags = (tags as string[]).slice();
  if (hasFloor) line.minPrice = minPrice as number;
  return line;
}

/** The thorough reader: every problem of every line, each named by its path. */
export function checkReceiptLines(lines: unknown): ReceiptLineInput[] {
  if (!Array.isArray(lines))
    throw new DomainError('RECEIPT_INVALID', 'lines must be an array', ['lines must be an array']);
  if (lines.length === 0) {
    throw new DomainError('RECEIPT_INVALID', 'The receipt has no lines', ['lines must not be empty']);
  }
  const issues = new Issues();
  const seen = new Map<string, number>();
  const out: ReceiptLineInput[] = [];
  lines.forEach((raw, i) => {
    const path = `lines/${i}`;
    if (!isObject(raw)) {
      issues.add(path, 'must be an object');
      return;
    }
    const lineId =
      stringAt(issues, raw, 'lineId', `${path}/lineId`, { required: true, nonEmpty: true }) ?? '';
    if (lineId && seen.has(lineId))
      issues.add(`${path}/lineId`, `duplicates lines/${seen.get(lineId)}/lineId`);
    else if (lineId) seen.set(lineId, i);
    const sku = stringAt(issues, raw, 'sku', `${path}/sku`, { required: true, nonEmpty: true }) ?? '';
    const name = stringAt(issues, raw, 'name', `${path}/name`, { fallback: '' }) ?? '';
    const price = integerAt(issues, raw, 'price', `${path}/price`, { min: 0 });
    const qtyProblem = quantityIssue(raw['qty']);
    if (raw['qty'] === undefined) issues.add(`${path}/qty`, 'is required');
    else if (qtyProblem) issues.add(`${path}/qty`, qtyProblem);
    const line: ReceiptLineInput = { lineId, sku, name, price, qty: qtyProblem ? 0 : (raw['qty'] as number) };
    const category = stringAt(issues, raw, 'category', `${path}/category`);
    if (category !== undefined) line.category = category;
    const tags = stringListAt(issues, raw, 'tags', `${path}/tags`);
    if (tags !== undefined) line.tags = tags;
    if (raw['minPrice'] !== undefined && raw['minPrice'] !== null) {
      const minPrice = integerAt(issues, raw, 'minPrice', `${path}/minPrice`, { min: 0 });
      if (raw['price'] === price && minPrice > price) issues.add(`${path}/minPrice`, 'must not exceed price');
      line.minPrice = minPrice;
    }
    // A line amount beyond the exact integer range of a Number cannot be a real receipt.
    if (
      !qtyProblem &&
      Number.isSafeInteger(price) &&
      !Number.isSafeInteger(price * Math.round(line.qty * QTY_SCALE))
    ) {
      issues.add(`${path}/price`, 'times qty is too large');
    }
    out.push(line);
  });
  if (!issues.empty)
    throw new DomainError('RECEIPT_INVALID', `The receipt is invalid: ${issues.list[0]}`, issues.list);
  return out;
}
