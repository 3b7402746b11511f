// A small stand-in for the agent's POS API (POS-API.md shapes), computing its answers with a
// deliberately simple rule set: tier discount, points capped at 50 % of a line, tobacco excluded.
// It lets the browser test drive the cashier page without the real engine.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {
  CalculateRequest,
  CalculateResponse,
  CustomerQuery,
  CustomerView,
  ReturnRequest,
} from '../../src/agent/till-api.js';
import type { LineResult } from '../../src/domain/types.js';
import { formatRubles } from '../../src/web/cashier/money.js';

export const TILL_TOKEN = 'secret-till-1';
export const SMS_CODE = '4321';

export const ANNA: CustomerView = {
  id: 'c-anna',
  displayName: 'Анна К.',
  cardLast4: '0008',
  tier: { id: 'silver', name: 'Серебро', discountPercent: 5, accrualPercent: 5 },
  nextTier: { id: 'gold', name: 'Золото', remaining: 120_000 },
  balance: { available: 1250, pending: 30 },
  birthdayWindow: false,
  redeemNeedsCode: false,
};

export const BORIS: CustomerView = {
  id: 'c-boris',
  displayName: 'Борис П.',
  phoneMasked: '+7 912 ***-**-89',
  tier: { id: 'standard', name: 'Стандарт', discountPercent: 0, accrualPercent: 3 },
  nextTier: { id: 'silver', name: 'Серебро', remaining: 350_000 },
  balance: { available: 500, pending: 0 },
  birthdayWindow: true,
  redeemNeedsCode: true,
};

const CARDS: Record<string, CustomerView> = { '2000000000008': ANNA };
const PHONES: Record<string, CustomerView> = { '+79123456789': BORIS };
const QRS: Record<string, CustomerView> = { 'LOYALTY-QR-ANNA-0001': ANNA };
const NO_LOYALTY_TAGS = new Set(['tobacco', 'gift-certificate']);
const POINT_VALUE = 100;

interface StoredReceipt {
  calc: CalculateResponse;
  via: 'card' | 'phone' | 'qr' | null;
  status: 'calculated' | 'confirmed' | 'cancelled';
  soldQty: Map<string, number>;
  returnedQty: Map<string, number>;
}

export interface RecordedRequest {
  method: string;
  url: string;
  body: unknown;
}

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

function normalizePhone(raw: string): string | null {
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 10 && digits.startsWith('9')) return `+7${digits}`;
  if (digits.length === 11 && /^[78]9/.test(digits)) return `+7${digits.slice(1)}`;
  return null;
}

function lookUp(q: CustomerQuery): { customer: CustomerView; via: 'card' | 'phone' | 'qr' } {
  if ('card' in q) {
    if (!/^\d{8,19}$/.test(q.card)) throw new ApiFailure(400, 'CARD_INVALID', 'Неверный номер карты');
    const customer = CARDS[q.card];
    if (!customer) throw new ApiFailure(404, 'CUSTOMER_NOT_FOUND', 'Покупатель с такой картой не найден');
    return { customer, via: 'card' };
  }
  if ('phone' in q) {
    const phone = normalizePhone(q.phone);
    if (!phone) throw new ApiFailure(400, 'PHONE_INVALID', 'Неверный номер телефона');
    const customer = PHONES[phone];
    if (!customer) throw new ApiFailure(404, 'CUSTOMER_NOT_FOUND', 'Покупатель с таким телефоном не найден');
    return { customer, via: 'phone' };
  }
  const customer = QRS[q.qr];
  if (!customer) throw new ApiFailure(400, 'QR_INVALID', 'QR-код недействителен или уже использован');
  return { customer, via: 'qr' };
}

/** Percent of an integer amount, rounded half up, in integers only. */
function percentOf(amount: number, percent: number): number {
  return Math.floor((amount * percent + 50) / 100);
}

function validateLines(req: CalculateRequest): void {
  if (!Array.isArray(req.lines) || req.lines.length === 0) {
    throw new ApiFailure(400, 'RECEIPT_INVALID', 'lines must not be empty');
  }
  req.lines.forEach((l, i) => {
    if (!Number.isInteger(l.price) || l.price < 0) {
      throw new ApiFailure(400, 'RECEIPT_INVALID', `lines/${i}/price must be integer kopecks`);
    }
    if (!(l.qty > 0) || l.qty > 1000)
      throw new ApiFailure(400, 'RECEIPT_INVALID', `lines/${i}/qty must be between 0 and 1000`);
  });
}

function calculate(req: CalculateRequest, customer: CustomerView | null): CalculateResponse {
  validateLines(req);
  const tier = customer?.tier;
  const afterDiscount = req.lines.map((l) => {
    const amount = Math.floor((l.price * Math.round(l.qty * 1000) + 500) / 1000);
    const excluded = (l.tags ?? []).some((t) => NO_LOYALTY_TAGS.has(t));
    const discount = excluded || !tier ? 0 : percentOf(amount, tier.discountPercent);
    return { line: l, amount, discount, excluded, left: amount - discount };
  });
  const redeemCap = afterDiscount.reduce((s, x) => s + (x.excluded ? 0 : Math.floor(x.left / 2)), 0);
  const maxPoints = Math.min(customer?.balance.available ?? 0, Math.floor(redeemCap / POINT_VALUE));
  const wanted = !req.redeem ? 0 : 'max' in req.redeem ? maxPoints : req.redeem.points;
  if (wanted > maxPoints) {
    throw new ApiFailure(400, 'REDEEM_TOO_MUCH', `Можно списать не больше ${maxPoints} баллов`);
  }
  let toSpend = wanted * POINT_VALUE;
  const lines: LineResult[] = afterDiscount.map((x) => {
    const redeemed = x.excluded ? 0 : Math.min(toSpend, Math.floor(x.left / 2));
    toSpend -= redeemed;
    const paid = x.left - redeemed;
    const accruedPoints =
      x.excluded || !tier ? 0 : Math.floor((paid * tier.accrualPercent) / 100 / POINT_VALUE);
    return {
      lineId: x.line.lineId,
      amount: x.amount,
      discount: x.discount,
      redeemed,
      paid,
      accruedPoints,
      fiscalPositions: [{ qty: x.line.qty, price: Math.round(paid / x.line.qty), amount: paid }],
    };
  });
  const sum = (f: (l: LineResult) => number) => lines.reduce((s, l) => s + f(l), 0);
  const totals = {
    amount: sum((l) => l.amount),
    discount: sum((l) => l.discount),
    redeemedPoints: wanted,
    redeemedAmount: sum((l) => l.redeemed),
    toPay: sum((l) => l.paid),
    accruedPoints: sum((l) => l.accruedPoints),
  };
  const coupons = (req.coupons ?? []).map((code) => ({
    code,
    status: code === 'SPRING-10' ? ('applied' as const) : ('unknown' as const),
  }));
  return {
    receiptId: req.receiptId,
    status: 'calculated',
    offline: false,
    customer,
    lines,
    totals,
    applied:
      tier && totals.discount
        ? [{ kind: 'tier', id: tier.id, title: tier.name, amount: totals.discount }]
        : [],
    coupons,
    messages: customer?.nextTier
      ? [`До уровня «${customer.nextTier.name}» осталось ${formatRubles(customer.nextTier.remaining)}`]
      : [],
    expiresAt: new Date(Date.now() + 900_000).toISOString(),
  };
}

function sendFailure(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof ApiFailure) {
    const details = err.details === undefined ? {} : { details: err.details };
    return reply.code(err.status).send({ error: { code: err.code, message: err.message, ...details } });
  }
  throw err;
}

export interface FakeOptions {
  /** false = an agent without GET /v1/scans/stream (the page must do without it). */
  scanStream?: boolean;
}

/**
 * A receipt number two other stores both printed: the agent asks which store sold it (as the real
 * one does when the cloud finds the number in several stores), then returns that store's sale.
 */
export const SHARED_RECEIPT = 'S-0042';
const SHARED_STORES = ['store-2', 'store-3'];

function returnOfShared(body: ReturnRequest) {
  if (!body.storeId) {
    throw new ApiFailure(
      409,
      'RECEIPT_AMBIGUOUS',
      `Чек ${SHARED_RECEIPT} пробит в нескольких магазинах (${SHARED_STORES.join(', ')}): укажите магазин покупки (storeId)`,
      SHARED_STORES,
    );
  }
  if (!SHARED_STORES.includes(body.storeId)) {
    throw new ApiFailure(
      404,
      'RECEIPT_NOT_FOUND',
      `Чек ${SHARED_RECEIPT} магазина ${body.storeId} не найден`,
    );
  }
  const amount = body.storeId === 'store-3' ? 30000 : 20000;
  return {
    returnId: body.returnId,
    status: 'confirmed',
    refund: { amount, pointsReturned: 0, pointsReversed: amount / 1000 },
    lines: [{ lineId: '1', qty: 1, paid: amount, redeemed: 0, accruedPoints: amount / 1000 }],
  };
}

/** Registers the fake /v1 routes; returns handles the test uses to look inside and push scans. */
export function registerFakePosApi(app: FastifyInstance, options: FakeOptions = {}) {
  const receipts = new Map<string, StoredReceipt>();
  const returns = new Map<string, unknown>();
  const requests: RecordedRequest[] = [];
  const scanClients = new Set<FastifyReply>();
  let confirmedCount = 0;

  const authorized = (req: FastifyRequest): boolean => {
    if (req.headers.authorization === `Bearer ${TILL_TOKEN}`) return true;
    // EventSource cannot send headers: the scanner stream takes the token from the query.
    const query = req.query as Record<string, string | undefined>;
    return req.url.startsWith('/v1/scans/stream') && query.token === TILL_TOKEN;
  };

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/v1/')) return;
    if (!authorized(req)) {
      return reply
        .code(401)
        .send({ error: { code: 'UNAUTHORIZED', message: 'Неверный или отсутствующий токен кассы' } });
    }
  });
  app.addHook('preHandler', async (req) => {
    if (req.url.startsWith('/v1/')) requests.push({ method: req.method, url: req.url, body: req.body });
  });

  const receiptOr404 = (id: string): StoredReceipt => {
    const r = receipts.get(id);
    if (!r) throw new ApiFailure(404, 'RECEIPT_NOT_FOUND', `Чек ${id} не найден`);
    return r;
  };

  app.post<{ Body: CustomerQuery }>('/v1/identify', async (req, reply) => {
    try {
      return { customer: lookUp(req.body).customer, source: 'cloud' };
    } catch (err) {
      return sendFailure(reply, err);
    }
  });

  app.post<{ Body: CalculateRequest }>('/v1/receipts/calculate', async (req, reply) => {
    try {
      const found = req.body.customer ? lookUp(req.body.customer) : null;
      const existing = receipts.get(req.body.receiptId);
      if (existing && existing.status !== 'calculated') {
        throw new ApiFailure(409, 'RECEIPT_FINAL', 'Чек уже подтверждён или отменён');
      }
      const calc = calculate(req.body, found?.customer ?? null);
      receipts.set(req.body.receiptId, {
        calc,
        via: found?.via ?? null,
        status: 'calculated',
        soldQty: new Map(req.body.lines.map((l) => [l.lineId, l.qty])),
        returnedQty: new Map(),
      });
      return calc;
    } catch (err) {
      return sendFailure(reply, err);
    }
  });

  app.post<{ Params: { id: string }; Body: { code?: string } }>(
    '/v1/receipts/:id/confirm',
    async (req, reply) => {
      try {
        const r = receiptOr404(req.params.id);
        if (r.status === 'cancelled') throw new ApiFailure(409, 'RECEIPT_CANCELLED', 'Чек отменён');
        const needsCode = r.via === 'phone' && r.calc.totals.redeemedPoints > 0;
        if (r.status === 'calculated' && needsCode) {
          const code = req.body?.code;
          if (!code) {
            throw new ApiFailure(
              403,
              'CODE_REQUIRED',
              'Оплата баллами по телефону: нужен код из SMS покупателя',
            );
          }
          if (code !== SMS_CODE) throw new ApiFailure(403, 'CODE_INVALID', 'Неверный код из SMS');
        }
        if (r.status === 'calculated') confirmedCount += 1;
        r.status = 'confirmed';
        const c = r.calc.customer;
        return {
          receiptId: req.params.id,
          status: 'confirmed',
          totals: r.calc.totals,
          balance: {
            available: (c?.balance.available ?? 0) - r.calc.totals.redeemedPoints,
            pending: (c?.balance.pending ?? 0) + r.calc.totals.accruedPoints,
          },
        };
      } catch (err) {
        return sendFailure(reply, err);
      }
    },
  );

  app.post<{ Params: { id: string } }>('/v1/receipts/:id/cancel', async (req, reply) => {
    try {
      const r = receiptOr404(req.params.id);
      if (r.status === 'confirmed') {
        throw new ApiFailure(409, 'RECEIPT_CONFIRMED', 'Чек уже подтверждён — оформите возврат');
      }
      r.status = 'cancelled';
      return { receiptId: req.params.id, status: 'cancelled' };
    } catch (err) {
      return sendFailure(reply, err);
    }
  });

  app.get<{ Params: { id: string } }>('/v1/receipts/:id', async (req, reply) => {
    try {
      const r = receiptOr404(req.params.id);
      return { ...r.calc, status: r.status, synced: false };
    } catch (err) {
      return sendFailure(reply, err);
    }
  });

  app.post<{ Body: ReturnRequest }>('/v1/returns', async (req, reply) => {
    try {
      const done = returns.get(req.body.returnId);
      if (done) return done;
      if (req.body.receiptId === SHARED_RECEIPT) return returnOfShared(req.body);
      const r = receipts.get(req.body.receiptId);
      if (r?.status !== 'confirmed') {
        throw new ApiFailure(404, 'RECEIPT_NOT_FOUND', `Чек ${req.body.receiptId} не найден среди проданных`);
      }
      const wanted =
        req.body.lines ??
        [...r.soldQty].map(([lineId, qty]) => ({ lineId, qty: qty - (r.returnedQty.get(lineId) ?? 0) }));
      const lines = wanted
        .filter((w) => w.qty > 0)
        .map((w) => {
          const sold = r.soldQty.get(w.lineId);
          const line = r.calc.lines.find((l) => l.lineId === w.lineId);
          const left = (sold ?? 0) - (r.returnedQty.get(w.lineId) ?? 0);
          if (sold === undefined || !line)
            throw new ApiFailure(400, 'RETURN_INVALID', `Нет строки ${w.lineId}`);
          if (w.qty > left) throw new ApiFailure(409, 'RETURN_EXCEEDS_SALE', 'Возврат больше, чем продано');
          const share = (v: number) => Math.round((v * w.qty) / sold);
          return {
            lineId: w.lineId,
            qty: w.qty,
            paid: share(line.paid),
            redeemed: share(line.redeemed),
            accruedPoints: share(line.accruedPoints),
          };
        });
      if (lines.length === 0)
        throw new ApiFailure(409, 'RETURN_EXCEEDS_SALE', 'По этому чеку уже всё возвращено');
      for (const l of lines) r.returnedQty.set(l.lineId, (r.returnedQty.get(l.lineId) ?? 0) + l.qty);
      const answer = {
        returnId: req.body.returnId,
        status: 'confirmed',
        refund: {
          amount: lines.reduce((s, l) => s + l.paid, 0),
          pointsReturned: lines.reduce((s, l) => s + l.redeemed, 0) / POINT_VALUE,
          pointsReversed: lines.reduce((s, l) => s + l.accruedPoints, 0),
        },
        lines,
      };
      returns.set(req.body.returnId, answer);
      return answer;
    } catch (err) {
      return sendFailure(reply, err);
    }
  });

  app.get('/v1/status', async () => ({
    version: '0.1.0-fake',
    uptimeSec: Math.round(process.uptime()),
    storeId: 'store-1',
    register: { driver: 'simulator', state: 'ready' },
    cloud: { state: 'online', lastSyncAt: new Date().toISOString() },
    queue: { pending: confirmedCount, oldestAgeSec: 0, deadLetter: 0 },
    program: { version: '2026-11-01.1' },
    cache: { customers: 2, updatedAt: new Date().toISOString() },
  }));

  if (options.scanStream !== false)
    app.get('/v1/scans/stream', (req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      reply.raw.write(': connected\n\n');
      scanClients.add(reply);
      req.raw.on('close', () => scanClients.delete(reply));
    });

  return {
    requests,
    receipts,
    /** Sends one scanned code to every page listening on the scanner stream. */
    pushScan(raw: string, kind: 'card' | 'phone' | 'qr'): number {
      // The agent's event shape (src/http/scans/scan-events.ts): {raw, kind, value}.
      const data = JSON.stringify({ raw, kind, value: raw.trim() });
      for (const client of scanClients) client.raw.write(`event: scan\ndata: ${data}\n\n`);
      return scanClients.size;
    },
    scanListeners: () => scanClients.size,
    closeStreams(): void {
      for (const client of scanClients) client.raw.end();
      scanClients.clear();
    },
  };
}

export type FakePosApi = ReturnType<typeof registerFakePosApi>;
