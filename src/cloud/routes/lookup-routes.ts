// Online look-ups the till makes with a short deadline: identify, holds, one-time codes, coupons.
// Agents call them with their key; the central office may too.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { normalizePhone, verifyQrToken } from '../../domain/index.js';
import { AppError } from '../../errors/catalogue.js';
import type { CloudServices } from '../cloud-services.js';
import { couponStates } from '../store/coupons.js';
import { type CustomerRef, customerView, findCustomer } from '../store/customers.js';
import { placeHold, releaseHold } from '../store/holds.js';
import { issueCode, verifyCode } from '../store/one-time-codes.js';
import { claimQrToken } from '../store/qr-token-uses.js';

const Identify = Type.Object(
  {
    card: Type.Optional(Type.String({ pattern: '^[0-9]{4,32}$' })),
    phone: Type.Optional(Type.String({ minLength: 5, maxLength: 32 })),
    qr: Type.Optional(Type.String({ minLength: 10, maxLength: 2000 })),
  },
  { minProperties: 1, maxProperties: 1 },
);
const HoldBody = Type.Object({
  holdId: Type.String({ minLength: 1, maxLength: 200 }),
  customerId: Type.String({ minLength: 1 }),
  points: Type.Integer({ minimum: 1 }),
  receiptId: Type.String({ minLength: 1 }),
  ttlSec: Type.Integer({ minimum: 1, maximum: 86_400 }),
});
const CodeBody = Type.Object({
  customerId: Type.String({ minLength: 1 }),
  receiptId: Type.String({ minLength: 1 }),
});
const VerifyBody = Type.Object({
  customerId: Type.String({ minLength: 1 }),
  receiptId: Type.String({ minLength: 1 }),
  code: Type.String({ minLength: 1, maxLength: 20 }),
});
const CouponsBody = Type.Object({
  codes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 }),
  customerId: Type.Optional(Type.String()),
});

export function registerLookupRoutes(app: FastifyInstance, s: CloudServices): void {
  app.post<{ Body: Static<typeof Identify> }>(
    '/v1/identify',
    { config: { access: 'any' }, schema: { body: Identify } },
    async (req) => {
      const now = s.clock();
      const ref: CustomerRef = {};
      if (req.body.card) ref.card = req.body.card;
      if (req.body.phone) ref.phone = normalizePhone(req.body.phone);
      if (req.body.qr) {
        const claims = verifyQrToken(req.body.qr, s.qrKeys.published, now.getTime());
        ref.id = claims.customerId;
        // One sale per token: the first agent to use it owns it (the office only looks).
        const caller = req.caller;
        if (caller?.role === 'agent') {
          const use = {
            tokenId: claims.tokenId,
            agentId: caller.agentId,
            expiresAt: new Date(claims.expiresAt * 1000),
          };
          if (!(await claimQrToken(s.db, use, now))) {
            throw new AppError('QR_INVALID', 'the QR token was already used at another till');
          }
        }
      }
      const row = await findCustomer(s.db, ref);
      if (!row || row.deleted) throw new AppError('CUSTOMER_NOT_FOUND', 'no such customer');
      const customer = await customerView(s.db, row, {
        program: s.programs.program,
        phoneSalt: s.programs.phoneSalt,
        timezone: s.config.timezone,
        now,
      });
      return { customer };
    },
  );

  app.post<{ Body: Static<typeof HoldBody> }>(
    '/v1/holds',
    { config: { access: 'any' }, schema: { body: HoldBody } },
    async (req) => {
      const now = s.clock();
      const outcome = await s.db.transaction(async (q) => {
        const rows = await q.query<{ id: string }>('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [
          req.body.customerId,
        ]);
        if (!rows[0]) throw new AppError('CUSTOMER_NOT_FOUND', `no customer ${req.body.customerId}`);
        return placeHold(q, req.body, now);
      });
      if (outcome.ok) return { holdId: outcome.holdId, expiresAt: outcome.expiresAt.toISOString() };
      if (outcome.reason === 'INSUFFICIENT_POINTS') {
        throw new AppError('INSUFFICIENT_POINTS', `only ${outcome.free} points can be held`, [
          `available ${outcome.free}`,
        ]);
      }
      throw new AppError(
        'HOLD_CONFLICT',
        `hold ${req.body.holdId} exists for another customer or is finished`,
      );
    },
  );

  app.delete<{ Params: { holdId: string } }>(
    '/v1/holds/:holdId',
    { config: { access: 'any' }, schema: { params: Type.Object({ holdId: Type.String({ minLength: 1 }) }) } },
    async (req) => {
      const released = await releaseHold(s.db, req.params.holdId);
      return { holdId: req.params.holdId, released };
    },
  );

  app.post<{ Body: Static<typeof CodeBody> }>(
    '/v1/codes',
    { config: { access: 'any' }, schema: { body: CodeBody } },
    async (req, reply) => {
      const row = await findCustomer(s.db, { id: req.body.customerId });
      if (!row) throw new AppError('CUSTOMER_NOT_FOUND', `no customer ${req.body.customerId}`);
      if (!row.phone) throw new AppError('NO_PHONE', 'the customer has no phone to send a code to');
      const code = await issueCode(s.db, row.id, req.body.receiptId, s.clock());
      await s.sms.send({
        phone: row.phone,
        customerId: row.id,
        code,
        text: `Код для оплаты баллами: ${code}`,
      });
      return reply.code(202).send({ status: 'sent' });
    },
  );

  app.post<{ Body: Static<typeof VerifyBody> }>(
    '/v1/codes/verify',
    { config: { access: 'any' }, schema: { body: VerifyBody } },
    async (req) => {
      const ok = await s.db.transaction((q) =>
        verifyCode(q, req.body.customerId, req.body.receiptId, req.body.code, s.clock()),
      );
      if (!ok)
        throw new AppError('CODE_INVALID', 'the code is wrong, expired or locked after too many tries');
      return { valid: true };
    },
  );

  app.post<{ Body: Static<typeof CouponsBody> }>(
    '/v1/coupons/check',
    { config: { access: 'any' }, schema: { body: CouponsBody } },
    async (req) => {
      const states = await couponStates(s.db, req.body.codes, s.clock());
      return {
        coupons: states.map((c) => {
          const out: Record<string, unknown> = { code: c.code, status: c.status };
          if (c.percent !== undefined) out.percent = c.percent;
          if (c.amount !== undefined) out.amount = c.amount;
          if (c.minAmount !== undefined) out.minAmount = c.minAmount;
          if (c.title !== undefined) out.title = c.title;
          return out;
        }),
      };
    },
  );
}
