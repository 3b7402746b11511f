// The receipt the cashier is building: customer, lines (or one total), points and coupons, and
// the agent's last calculation of it. Any change after a calculation makes it stale, so a
// receipt is only confirmed exactly as the cashier last saw it calculated.
/**
 * @import { CalculateRequest, CalculateResponse, CustomerQuery, CustomerView } from '../../agent/till-api.js'
 * @import { ReceiptLineInput } from '../../domain/types.js'
 */

/**
 * What the cashier chose to pay with points.
 * @typedef {{ kind: 'none' } | { kind: 'points', points: number } | { kind: 'max' }} RedeemChoice
 */

/** Reason a draft cannot be sent yet; the message is shown to the cashier as is. */
export class DraftError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'DraftError';
  }
}

const RECEIPT_ID_MAX = 64;

/**
 * "till-1-1732270000000-k3f9x2": unique per till, readable on a support call, ≤ 64 chars.
 * @param {string | null | undefined} tillId
 * @param {number} [now]
 * @param {() => number} [random]
 */
export function newReceiptId(tillId, now = Date.now(), random = Math.random) {
  const till = String(tillId || 'till').replace(/[^A-Za-z0-9_-]/g, '-');
  const suffix = Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  const tail = `-${now}-${suffix}`;
  return till.slice(0, RECEIPT_ID_MAX - tail.length) + tail;
}

/**
 * "SPRING-10, bday; X" → ["SPRING-10", "bday", "X"] without repeats.
 * @param {string | null | undefined} text
 * @returns {string[]}
 */
export function parseCoupons(text) {
  const codes = String(text ?? '')
    .split(/[\s,;]+/)
    .filter(Boolean);
  return [...new Set(codes)];
}

/**
 * roundHalfUp(price × qty) with qty held as integer thousandths — the agent's own rule.
 * @param {number} price kopecks per unit
 * @param {number} qty
 */
export function lineAmount(price, qty) {
  const thousandths = Math.round(qty * 1000);
  return Math.floor((price * thousandths + 500) / 1000);
}

/** The single line a "total only" receipt is sent as. */
export const TOTAL_LINE = { sku: 'PURCHASE', name: 'Покупка' };

export class ReceiptDraft {
  /** @param {string} id */
  constructor(id) {
    this.id = id;
    /**
     * Body of the identification ({card}|{phone}|{qr}) and what the agent answered.
     * @type {CustomerQuery | null}
     */
    this.customerQuery = null;
    /** @type {CustomerView | null} */
    this.customer = null;
    /** @type {ReceiptLineInput[]} */
    this.lines = [];
    /** @type {'lines' | 'total'} */
    this.mode = 'lines';
    /** @type {number | null} kopecks, in "total" mode */
    this.total = null;
    /** @type {RedeemChoice} */
    this.redeem = { kind: 'none' };
    /** @type {string[]} */
    this.coupons = [];
    /** @type {CalculateResponse | null} */
    this.calculation = null;
    this.stale = false;
    /** The agent has seen this receipt id (so a cancel must tell it). */
    this.sentToAgent = false;
    this.nextLineNo = 1;
    /** Bumped on every change, so an answer to an older request cannot look current. */
    this.revision = 0;
  }

  #changed() {
    this.revision += 1;
    if (this.calculation) this.stale = true;
  }

  /**
   * @param {CustomerQuery | null} query
   * @param {CustomerView | null} customer
   */
  setCustomer(query, customer) {
    this.customerQuery = query;
    this.customer = customer;
    this.#changed();
  }

  clearCustomer() {
    this.setCustomer(null, null);
    if (this.redeem.kind !== 'none') this.redeem = { kind: 'none' };
  }

  /**
   * Adds a line; ids are "1", "2", … and never reused within the receipt.
   * @param {Omit<ReceiptLineInput, 'lineId'>} line
   */
  addLine({ sku, name, price, qty, tags = [], category }) {
    const lineId = String(this.nextLineNo++);
    /** @type {ReceiptLineInput} */
    const line = { lineId, sku, name, price, qty, tags: [...tags] };
    if (category) line.category = category;
    this.lines.push(line);
    this.#changed();
    return line;
  }

  /** @param {string} lineId */
  removeLine(lineId) {
    const before = this.lines.length;
    this.lines = this.lines.filter((l) => l.lineId !== lineId);
    if (this.lines.length !== before) this.#changed();
  }

  /** @param {string} mode "lines" or "total" (anything else is a defect of the page) */
  setMode(mode) {
    if (mode !== 'lines' && mode !== 'total') throw new TypeError(`unknown mode ${mode}`);
    if (mode !== this.mode) {
      this.mode = mode;
      this.#changed();
    }
  }

  /** @param {number | null} kopecks */
  setTotal(kopecks) {
    if (kopecks !== this.total) {
      this.total = kopecks;
      this.#changed();
    }
  }

  /** @param {RedeemChoice} redeem */
  setRedeem(redeem) {
    if (JSON.stringify(redeem) !== JSON.stringify(this.redeem)) {
      this.redeem = redeem;
      this.#changed();
    }
  }

  /** @param {string[]} codes */
  setCoupons(codes) {
    if (codes.join('\n') !== this.coupons.join('\n')) {
      this.coupons = [...codes];
      this.#changed();
    }
  }

  /**
   * The lines as they will be sent: the typed lines, or the one "Покупка" line.
   * @returns {ReceiptLineInput[]}
   */
  effectiveLines() {
    if (this.mode === 'total') {
      return this.total ? [{ lineId: '1', ...TOTAL_LINE, price: this.total, qty: 1, tags: [] }] : [];
    }
    return this.lines;
  }

  /** Sum of the lines before any discount, as the cashier typed them. */
  draftAmount() {
    return this.effectiveLines().reduce((sum, l) => sum + lineAmount(l.price, l.qty), 0);
  }

  /**
   * Body of POST /v1/receipts/calculate; throws DraftError when the receipt is not ready.
   * @returns {CalculateRequest}
   */
  toCalculateRequest() {
    const lines = this.effectiveLines();
    if (lines.length === 0) {
      throw new DraftError(
        this.mode === 'total'
          ? 'Введите сумму покупки больше нуля.'
          : 'Добавьте в чек хотя бы одну строку (или введите только сумму покупки).',
      );
    }
    /** @type {CalculateRequest} */
    const body = { receiptId: this.id, lines };
    if (this.customerQuery) body.customer = this.customerQuery;
    if (this.redeem.kind !== 'none') {
      if (!this.customerQuery) throw new DraftError('Чтобы оплатить баллами, сначала найдите покупателя.');
      if (this.redeem.kind === 'max') body.redeem = { max: true };
      else if (this.redeem.points > 0) body.redeem = { points: this.redeem.points };
      else throw new DraftError('Укажите, сколько баллов списать (целое число больше нуля).');
    }
    if (this.coupons.length) body.coupons = [...this.coupons];
    return body;
  }

  /**
   * Takes the agent's answer to the request built at `revision` (stale if edited meanwhile).
   * @param {CalculateResponse} result
   * @param {number} [revision]
   */
  applyCalculation(result, revision = this.revision) {
    this.calculation = result;
    this.stale = revision !== this.revision;
    this.sentToAgent = true;
    if (result.customer) this.customer = result.customer;
  }

  /**
   * The agent's result for one line, while the calculation is current.
   * @param {string} lineId
   * @returns {CalculateResponse['lines'][number] | null}
   */
  lineResult(lineId) {
    if (!this.calculation || this.stale) return null;
    return this.calculation.lines.find((l) => l.lineId === lineId) ?? null;
  }

  get canConfirm() {
    return Boolean(this.calculation) && !this.stale;
  }

  get isEmpty() {
    return this.effectiveLines().length === 0 && !this.customerQuery && !this.sentToAgent;
  }
}
