// Returns (MECHANICS "Returns"): each returned part takes its share of what the line paid, of the
// points spent on it and of the points earned on it, roundHalfUp(x × k / q); the last return of
// a line takes exactly what remains, so any sequence of partial returns adds up to the sale.
import { DomainError } from './errors.js';
import { mulDiv, QTY_SCALE, scaledOrNull } from './money.js';
import type { ReturnedSoFar, ReturnLineRequest, ReturnLineResult, ReturnResult, SoldLine } from './types.js';

const NOTHING: ReturnedSoFar = { qty: 0, paid: 0, redeemed: 0, accruedPoints: 0 };

function milli(qty: number): number | null {
  return scaledOrNull(qty, QTY_SCALE);
}

/**
 * `request` omitted = everything not yet returned. `pointValue` turns the kopecks of points
 * given back into points (default 100, the program's default).
 * Throws RETURN_INVALID (unknown line, bad or repeated quantity) or RETURN_EXCEEDS_SALE.
 */
export function computeReturn(
  sold: SoldLine[],
  returned: Record<string, ReturnedSoFar>,
  request?: ReturnLineRequest[],
  pointValue = 100,
): ReturnResult {
  const byId = new Map(sold.map((l) => [l.lineId, l]));
  const left = (line: SoldLine): number =>
    (milli(line.qty) ?? 0) - (milli(returnedOf(returned, line.lineId).qty) ?? 0);

  let wanted: { line: SoldLine; k: number }[];
  if (request === undefined) {
    wanted = sold.filter((l) => left(l) > 0).map((line) => ({ line, k: left(line) }));
    if (wanted.length === 0) {
      throw new DomainError('RETURN_EXCEEDS_SALE', 'Всё по этому чеку уже возвращено');
    }
  } else {
    wanted = checkRequest(request, byId);
    const over = wanted.filter(({ line, k }) => k > left(line));
    if (over.length > 0) {
      throw new DomainError(
        'RETURN_EXCEEDS_SALE',
        `Возвращается больше, чем осталось по строке ${over[0]!.line.lineId}`,
        over.map(({ line }) => `строка ${line.lineId}: осталось вернуть ${left(line) / QTY_SCALE}`),
      );
    }
  }

  const lines = wanted.map(({ line, k }) =>
    shareOf(line, returnedOf(returned, line.lineId), k, k === left(line)),
  );
  const redeemedBefore = sold.reduce((s, l) => s + returnedOf(returned, l.lineId).redeemed, 0);
  const redeemedNow = lines.reduce((s, l) => s + l.redeemed, 0);
  // Points back follow the running total of kopecks, so all returns together give back exactly R.
  const pointsReturned =
    mulDiv(redeemedBefore + redeemedNow, 1, pointValue, 'halfUp') -
    mulDiv(redeemedBefore, 1, pointValue, 'halfUp');
  return {
    lines,
    refund: {
      amount: lines.reduce((s, l) => s + l.paid, 0),
      pointsReturned,
      pointsReversed: lines.reduce((s, l) => s + l.accruedPoints, 0),
    },
  };
}

function returnedOf(returned: Record<string, ReturnedSoFar>, lineId: string): ReturnedSoFar {
  return Object.hasOwn(returned, lineId) ? returned[lineId]! : NOTHING;
}

function checkRequest(
  request: ReturnLineRequest[],
  byId: Map<string, SoldLine>,
): { line: SoldLine; k: number }[] {
  if (!Array.isArray(request) || request.length === 0) {
    throw new DomainError('RETURN_INVALID', 'В возврате должна быть хотя бы одна строка', [
      'lines must not be empty',
    ]);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const out: { line: SoldLine; k: number }[] = [];
  request.forEach((r, i) => {
    const line = byId.get(r?.lineId);
    const k = milli(r?.qty);
    if (!line) problems.push(`lines/${i}/lineId: строки «${String(r?.lineId)}» нет в чеке`);
    else if (seen.has(line.lineId))
      problems.push(`lines/${i}/lineId: строка «${line.lineId}» указана дважды`);
    if (k === null || k <= 0)
      problems.push(`lines/${i}/qty: должно быть > 0, не больше 3 знаков после запятой`);
    if (line && k !== null && k > 0 && !seen.has(line.lineId)) out.push({ line, k });
    if (line) seen.add(line.lineId);
  });
  if (problems.length > 0)
    throw new DomainError('RETURN_INVALID', `Возврат неверен: ${problems[0]}`, problems);
  return out;
}

function shareOf(line: SoldLine, before: ReturnedSoFar, k: number, last: boolean): ReturnLineResult {
  const q = milli(line.qty) ?? 0;
  const take = (total: number, already: number): number => {
    const rest = total - already;
    if (last) return rest;
    // Rounding up several partial shares could overrun the line; never give more than remains.
    return Math.max(0, Math.min(rest, mulDiv(total, k, q, 'halfUp')));
  };
  return {
    lineId: line.lineId,
    qty: k / QTY_SCALE,
    paid: take(line.paid, before.paid),
    redeemed: take(line.redeemed, before.redeemed),
    accruedPoints: take(line.accruedPoints, before.accruedPoints),
  };
}

/** What earlier returns of a receipt took, per line: the `returned` input of computeReturn. */
export function returnedSoFar(earlierReturns: ReturnLineResult[][]): Record<string, ReturnedSoFar> {
  const out: Record<string, ReturnedSoFar> = {};
  for (const lines of earlierReturns) {
    for (const l of lines) {
      const acc = out[l.lineId] ?? { qty: 0, paid: 0, redeemed: 0, accruedPoints: 0 };
      // Thousandths keep repeated fractional quantities exact.
      acc.qty = (Math.round(acc.qty * QTY_SCALE) + Math.round(l.qty * QTY_SCALE)) / QTY_SCALE;
      acc.paid += l.paid;
      acc.redeemed += l.redeemed;
      acc.accruedPoints += l.accruedPoints;
      out[l.lineId] = acc;
    }
  }
  return out;
}
