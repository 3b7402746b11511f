// Terminal events ↔ the till operations. Positions become receipt lines (lineId = position uuid,
// rubles → kopecks exactly, product type → loyalty tags); the engine's fiscal positions become
// the prices the terminal sets, splitting a position where kopecks do not divide evenly.
import type {
  CalculateRequest,
  CalculateResponse,
  ConfirmRequest,
  ConfirmResponse,
  CustomerQuery,
  Payment,
  ReturnRequest,
  ReturnResponse,
} from '../../agent/till-api.js';
import type { ReceiptLineInput } from '../../domain/types.js';
import {
  badField,
  kopecksToRubles,
  parseQuantity,
  quantityText,
  quantityToThousandths,
  rublesToKopecks,
  thousandthsToQuantity,
} from './decimal.js';
import type {
  BeforePositionsEdited,
  CompletedAnswer,
  DiscountAnswer,
  EvotorPayment,
  FiscalData,
  HintAnswer,
  PaybackAnswer,
  PaybackCompleted,
  Position,
  PositionChange,
  ReceiptCompleted,
  ReceiptDiscount,
} from './schemas.js';

// ---------------------------------------------------------------- positions → lines

/** Evotor product types that carry a legal loyalty restriction (MECHANICS.md tagRules). */
export function tagsForProductType(productType: string | undefined): string[] {
  const type = (productType ?? '').toUpperCase();
  if (type.startsWith('TOBACCO')) return ['tobacco'];
  if (type.startsWith('ALCOHOL') || type.startsWith('BEER')) return ['alcohol'];
  return [];
}

/** The line a position counts as: a part split off earlier belongs to its original. */
function lineIdOf(position: { uuid: string; originalUuid?: string }): string {
  return position.originalUuid ?? position.uuid;
}

/**
 * One receipt line per original position. Parts the agent split off earlier (originalUuid) come
 * back from the terminal as extra positions; they are added to their original's quantity.
 */
export function positionsToLines(positions: Position[]): ReceiptLineInput[] {
  const lines = new Map<string, { line: ReceiptLineInput; thousandths: number }>();
  const uuids = new Set<string>();
  positions.forEach((p, i) => {
    const at = `positions/${i}`;
    if (uuids.has(p.uuid)) throw badField(`${at}/uuid`, 'повторяет uuid предыдущей позиции');
    uuids.add(p.uuid);
    const price = rublesToKopecks(p.price, `${at}/price`);
    const thousandths = quantityToThousandths(parseQuantity(p.quantity, `${at}/quantity`));
    const lineId = lineIdOf(p);
    const seen = lines.get(lineId);
    if (seen) {
      if (seen.line.price !== price)
        throw badField(`${at}/price`, 'отличается от цены позиции, из которой она выделена');
      seen.thousandths += thousandths;
      seen.line.qty = thousandthsToQuantity(seen.thousandths);
      return;
    }
    const sku = p.productCode || p.sku || p.barcode || p.productUuid;
    if (!sku) throw badField(`${at}/productCode`, 'обязательное поле (или sku, barcode, productUuid)');
    const tags = [...new Set([...tagsForProductType(p.productType), ...(p.tags ?? [])])];
    const line: ReceiptLineInput = {
      lineId,
      sku,
      name: p.name,
      price,
      qty: thousandthsToQuantity(thousandths),
      tags,
    };
    if (p.category) line.category = p.category;
    if (p.minPrice !== undefined) line.minPrice = rublesToKopecks(p.minPrice, `${at}/minPrice`);
    lines.set(lineId, { line, thousandths });
  });
  return [...lines.values()].map((entry) => entry.line);
}

function customerOf(event: ReceiptDiscount): CustomerQuery | undefined {
  const given = (['card', 'phone', 'qr'] as const).filter((k) => event[k] !== undefined);
  if (given.length > 1)
    throw badField(given[1]!, `нельзя передавать вместе с ${given[0]} (только один идентификатор)`);
  if (event.card !== undefined) return { card: event.card };
  if (event.phone !== undefined) return { phone: event.phone };
  if (event.qr !== undefined) return { qr: event.qr };
  return undefined;
}

export function toCalculateRequest(event: ReceiptDiscount): CalculateRequest {
  const req: CalculateRequest = { receiptId: event.receiptUuid, lines: positionsToLines(event.positions) };
  const customer = customerOf(event);
  if (customer) req.customer = customer;
  if (event.at) req.at = event.at;
  if (event.redeemPoints === 'max') req.redeem = { max: true };
  else if (event.redeemPoints !== undefined && event.redeemPoints > 0)
    req.redeem = { points: event.redeemPoints };
  if (event.coupons?.length) req.coupons = event.coupons;
  return req;
}

// ---------------------------------------------------------------- calculation → terminal

/** The part uuid for the k-th fiscal position of a line (k = 0 keeps the position's own uuid). */
export function partUuid(lineId: string, k: number): string {
  return k === 0 ? lineId : `${lineId}.${k + 1}`;
}

const couponStatusText: Record<string, string> = {
  unknown: 'не найден',
  used: 'уже использован',
  expired: 'истёк',
  'not-applicable': 'не подходит к чеку',
};

const rub = (kopecks: number) => `${kopecksToRubles(kopecks).replace('.', ',')} ₽`;

export function toDiscountAnswer(event: ReceiptDiscount, res: CalculateResponse): DiscountAnswer {
  const results = new Map(res.lines.map((l) => [l.lineId, l]));
  const positions: PositionChange[] = [];
  let before = 0;
  let after = 0;
  for (const line of positionsToLines(event.positions)) {
    const result = results.get(line.lineId);
    if (!result) throw new Error(`the calculation has no line ${line.lineId}`);
    before += result.amount;
    const parts = result.fiscalPositions.length
      ? result.fiscalPositions
      : [{ qty: line.qty, price: 0, amount: 0 }];
    parts.forEach((part, k) => {
      after += part.amount;
      positions.push({
        action: k === 0 ? 'edit' : 'split',
        uuid: partUuid(line.lineId, k),
        originalUuid: line.lineId,
        quantity: quantityText(part.qty),
        priceWithDiscountPosition: kopecksToRubles(part.price),
        sumWithDiscount: kopecksToRubles(part.amount),
      });
    });
  }
  const t = res.totals;
  // One text per fact: the points spent and earned are said by the engine's messages ("Списано
  // 300 баллов", "Начислено 77 баллов", with the pending note), the same words the receipt and the
  // cashier page show; the bridge adds only what they do not say.
  const extraText: string[] = [];
  const c = res.customer;
  if (c) extraText.push(`Покупатель: ${c.displayName}, уровень «${c.tier.name}»`);
  if (t.discount > 0) extraText.push(`Скидка: ${rub(t.discount)}`);
  if (t.redeemedPoints > 0 && c?.redeemNeedsCode) extraText.push('Для оплаты баллами нужен код из SMS');
  for (const coupon of res.coupons) {
    const why = couponStatusText[coupon.status];
    if (why) extraText.push(`Купон ${coupon.code}: ${why}`);
  }
  if (res.offline) extraText.push('Расчёт без связи с сервером лояльности');
  extraText.push(...res.messages);
  const pointsPaid = res.pointsPayment?.amount ?? 0;
  return {
    receiptUuid: event.receiptUuid,
    discount: kopecksToRubles(before - after),
    positions,
    payments: pointsPaid > 0 ? [{ type: 'COUNTEROFFER', sum: kopecksToRubles(pointsPaid) }] : [],
    extraText,
    customer: c
      ? {
          displayName: c.displayName,
          ...(c.cardLast4 !== undefined && { cardLast4: c.cardLast4 }),
          ...(c.phoneMasked !== undefined && { phoneMasked: c.phoneMasked }),
          tier: c.tier.name,
          balance: c.balance.available,
          redeemNeedsCode: c.redeemNeedsCode,
        }
      : null,
    offline: res.offline,
    totals: { ...t },
  };
}

/** Before payment the agent changes nothing; it reminds the cashier of the loyalty button. */
export function toHintAnswer(event: BeforePositionsEdited): HintAnswer {
  // Validates the positions now, so a broken terminal app shows up before the payment screen.
  positionsToLines(event.positions);
  return {
    receiptUuid: event.receiptUuid,
    changes: [],
    hint: 'Карта или телефон покупателя — кнопка «Лояльность» на экране оплаты',
  };
}

// ---------------------------------------------------------------- completion and payback

/** CASH → cash, ELECTRON → card; prepayment, credit and counter-provision → other. */
export function toPayment(payment: EvotorPayment, field: string): Payment {
  const amount = rublesToKopecks(payment.sum, `${field}/sum`);
  const type = payment.type === 'CASH' ? 'cash' : payment.type === 'ELECTRON' ? 'card' : 'other';
  return { type, amount };
}

export function toFiscal(fiscal: FiscalData): NonNullable<ConfirmRequest['fiscal']> {
  return {
    fn: fiscal.fnNumber,
    fd: String(fiscal.fiscalDocumentNumber),
    fp: String(fiscal.fiscalDocumentSign),
    at: fiscal.fiscalDocumentDateTime,
  };
}

export function toConfirmRequest(event: ReceiptCompleted): ConfirmRequest {
  const req: ConfirmRequest = { payments: event.payments.map((p, i) => toPayment(p, `payments/${i}`)) };
  if (event.fiscal) req.fiscal = toFiscal(event.fiscal);
  if (event.code) req.code = event.code;
  return req;
}

export function toCompletedAnswer(receiptUuid: string, res: ConfirmResponse): CompletedAnswer {
  const extraText = [
    `Начислено баллов: ${res.totals.accruedPoints}`,
    `Баланс: ${res.balance.available} баллов`,
  ];
  if (res.balance.pending > 0) extraText.push(`Ожидают начисления: ${res.balance.pending} баллов`);
  return {
    receiptUuid,
    status: 'confirmed',
    totals: { ...res.totals },
    balance: { ...res.balance },
    extraText,
  };
}

/** Returned quantities per original position (parts added back together, in thousandths). */
export function toReturnRequest(event: PaybackCompleted): ReturnRequest {
  const qty = new Map<string, number>();
  event.positions.forEach((p, i) => {
    const thousandths = quantityToThousandths(parseQuantity(p.quantity, `positions/${i}/quantity`));
    const lineId = lineIdOf(p);
    qty.set(lineId, (qty.get(lineId) ?? 0) + thousandths);
  });
  return {
    returnId: event.receiptUuid,
    receiptId: event.baseReceiptUuid,
    lines: [...qty].map(([lineId, thousandths]) => ({ lineId, qty: thousandthsToQuantity(thousandths) })),
  };
}

export function toPaybackAnswer(receiptUuid: string, res: ReturnResponse): PaybackAnswer {
  const extraText = [`Возврат: ${rub(res.refund.amount)}`];
  if (res.refund.pointsReturned > 0) extraText.push(`Возвращено баллов: ${res.refund.pointsReturned}`);
  if (res.refund.pointsReversed > 0)
    extraText.push(`Списано начисленных баллов: ${res.refund.pointsReversed}`);
  return { receiptUuid, status: 'confirmed', refund: { ...res.refund }, extraText };
}

/** The receipt never reached the agent (no loyalty on it): acknowledged so the terminal stops retrying. */
export function skipped(receiptUuid: string, reason: string): CompletedAnswer & PaybackAnswer {
  return { receiptUuid, status: 'skipped', reason, extraText: [] };
}
