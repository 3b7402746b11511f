// What the central office reads (admin tokens): receipts, one customer with history, KPIs, and
// issuing a QR token for the mobile app.
import { randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { signQrToken } from '../../domain/index.js';
import { AppError } from '../../errors/catalogue.js';
import type { CloudServices } from '../cloud-services.js';
import { computeKpi } from '../reports/kpi.js';
import { listReceipts } from '../reports/receipts.js';
import { customerView, findCustomer } from '../store/customers.js';
import { addDays, parseBound } from '../time.js';

const ReceiptsQuery = Type.Object({
  storeId: Type.Optional(Type.String({ minLength: 1 })),
  from: Type.Optional(Type.String({ minLength: 10 })),
  to: Type.Optional(Type.String({ minLength: 10 })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});
const KpiQuery = Type.Object({
  from: Type.String({ minLength: 10 }),
  to: Type.String({ minLength: 10 }),
});
const QrBody = Type.Object({ ttlSec: Type.Integer({ minimum: 10, maximum: 86_400, default: 300 }) });
const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
/**
 * "No `to`": the latest instant PostgreSQL reads back from an ISO string. JavaScript's own maximum
 * date (year 275760) is written "+275760-…", which PostgreSQL refuses (the feed answered 500).
 */
const NO_UPPER_BOUND = new Date('9999-12-31T23:59:59.999Z');

export function registerCentralRoutes(app: FastifyInstance, s: CloudServices): void {
  const bound = (text: string | undefined, edge: 'from' | 'to', fallback: Date): Date => {
    if (text === undefined) return fallback;
    const d = parseBound(text, s.config.timezone, edge);
    if (!d) throw new AppError('VALIDATION', `querystring/${edge} must be an ISO time or YYYY-MM-DD`);
    return d;
  };

  app.get<{ Querystring: Static<typeof ReceiptsQuery> }>(
    '/v1/receipts',
    { config: { access: 'admin' }, schema: { querystring: ReceiptsQuery } },
    async (req) => {
      const q = req.query;
      return listReceipts(s.db, {
        storeId: q.storeId ?? null,
        from: bound(q.from, 'from', new Date(0)),
        to: bound(q.to, 'to', NO_UPPER_BOUND),
        after: Number(q.cursor ?? '0'),
        limit: q.limit,
      });
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/customers/:id',
    { config: { access: 'admin' }, schema: { params: IdParams } },
    async (req) => {
      const row = await findCustomer(s.db, { id: req.params.id });
      if (!row) throw new AppError('CUSTOMER_NOT_FOUND', `no customer ${req.params.id}`);
      const view = await customerView(s.db, row, {
        program: s.programs.program,
        phoneSalt: s.programs.phoneSalt,
        timezone: s.config.timezone,
        now: s.clock(),
      });
      const history = await s.db.query<{ at: Date; kind: string; points: number; receipt_id: string | null }>(
        'SELECT at, kind, points, receipt_id FROM points_ledger WHERE customer_id = $1 ORDER BY at, id',
        [row.id],
      );
      return {
        id: view.id,
        tierId: view.tierId,
        periodSpend: view.periodSpend,
        balance: view.balance,
        history: history.map((h) =>
          h.receipt_id === null
            ? { at: h.at.toISOString(), kind: h.kind, points: h.points }
            : { at: h.at.toISOString(), kind: h.kind, points: h.points, receiptId: h.receipt_id },
        ),
        displayName: view.displayName,
        cards: view.cards,
        createdAt: row.created_at.toISOString(),
      };
    },
  );

  app.get<{ Querystring: Static<typeof KpiQuery> }>(
    '/v1/reports/kpi',
    { config: { access: 'admin' }, schema: { querystring: KpiQuery } },
    async (req) => {
      const from = bound(req.query.from, 'from', new Date(0));
      const to = bound(req.query.to, 'to', new Date(0));
      if (to <= from) throw new AppError('VALIDATION', 'querystring/to must be after from');
      return computeKpi(s.db, from, to);
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof QrBody> | undefined }>(
    '/v1/customers/:id/qr',
    { config: { access: 'admin' }, schema: { params: IdParams, body: Type.Optional(QrBody) } },
    async (req) => {
      const row = await findCustomer(s.db, { id: req.params.id });
      if (!row || row.deleted) throw new AppError('CUSTOMER_NOT_FOUND', `no customer ${req.params.id}`);
      const now = s.clock();
      const ttlSec = req.body?.ttlSec ?? 300;
      const expires = addDays(now, ttlSec / 86_400);
      const tokenId = randomUUID();
      const expiresAt = Math.floor(expires.getTime() / 1000);
      const token = signQrToken(
        { kid: s.qrKeys.signing.kid, customerId: row.id, tokenId, expiresAt },
        s.qrKeys.signing.privateKey,
      );
      await s.db.query(
        'INSERT INTO qr_tokens (token_id, customer_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)',
        [tokenId, row.id, now, new Date(expiresAt * 1000)],
      );
      return {
        token,
        tokenId,
        kid: s.qrKeys.signing.kid,
        expiresAt: new Date(expiresAt * 1000).toISOString(),
      };
    },
  );
}
