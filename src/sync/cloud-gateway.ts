// The cloud as the till sees it: look-ups and holds that must answer within a short deadline.
// The cloud's answers come back as results; without an answer they reject, and the caller carries on
// from the local cache (MECHANICS "Offline").
import type {
  CallBudget,
  CloudGateway,
  CloudHoldResult,
  CloudIdentifyResult,
  CloudReceiptLookup,
} from '../agent/ports.js';
import type { CouponState } from '../domain/types.js';
import { ReceiptForReturnSchema } from '../protocol/wire/receipt-for-return.js';
import { CloudCallError, CloudProtocolError } from './errors.js';
import type { CloudHttp } from './http-client.js';
import { CouponsReplySchema, expectShape, HoldReplySchema, IdentifyReplySchema } from './wire-schemas.js';

export interface CloudGatewayOptions {
  /** Longest the till waits for one online call (MECHANICS: default 800 ms). */
  deadlineMs?: number;
  /** Aborts calls in flight when the agent stops. */
  signal?: AbortSignal;
  /** This agent's id: the receipt read lives under its own `/v1/agents/{agentId}/…` path. */
  agentId?: string;
}

const COUPON_STATUSES: ReadonlySet<string> = new Set(['valid', 'unknown', 'used', 'expired']);

export class HttpCloudGateway implements CloudGateway {
  private readonly deadlineMs: number;

  constructor(
    private readonly http: CloudHttp,
    private readonly options: CloudGatewayOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 800;
  }

  async identify(
    q: { card?: string; phone?: string; qr?: string },
    budget?: CallBudget,
  ): Promise<CloudIdentifyResult> {
    // Exactly one key travels: the spec's body is `{"card" | "phone" | "qr"}`.
    const body = q.card ? { card: q.card } : q.phone ? { phone: q.phone } : q.qr ? { qr: q.qr } : null;
    if (!body) throw new TypeError('identify needs a card, a phone or a QR token');
    const res = await this.post('/v1/identify', body, q.qr ? [404, 400] : [404], budget);
    if (res.status === 404) return { kind: 'unknown' };
    if (res.status === 400) {
      // Only a refusal of the token itself is an answer; any other 400 is a fault like the rest.
      if (errorCodeOf(res.data) === 'QR_INVALID') return { kind: 'refused' };
      throw new CloudProtocolError(`identify answered 400 ${errorCodeOf(res.data) ?? ''}`.trim());
    }
    return { kind: 'found', lookup: expectShape(IdentifyReplySchema, res.data, 'identify answer') };
  }

  async createHold(
    h: {
      holdId: string;
      customerId: string;
      points: number;
      receiptId: string;
      ttlSec: number;
    },
    budget?: CallBudget,
  ): Promise<CloudHoldResult> {
    const res = await this.post('/v1/holds', h, [409], budget);
    if (res.status === 409) return { kind: 'insufficient' };
    return { kind: 'held', ...expectShape(HoldReplySchema, res.data, 'hold answer') };
  }

  async releaseHold(holdId: string, budget?: CallBudget): Promise<void> {
    // 404: the hold is already gone (expired or captured) — which is what releasing wants.
    await this.http.call({
      method: 'DELETE',
      path: `/v1/holds/${encodeURIComponent(holdId)}`,
      deadlineMs: this.deadlineWithin(budget),
      signal: this.options.signal,
      expect: [404],
    });
  }

  async requestCode(q: { customerId: string; receiptId: string }): Promise<void> {
    await this.post('/v1/codes', q);
  }

  async verifyCode(q: { customerId: string; receiptId: string; code: string }): Promise<boolean> {
    const res = await this.post('/v1/codes/verify', q, [403]);
    return res.status !== 403;
  }

  async checkCoupons(
    q: { codes: string[]; customerId?: string },
    budget?: CallBudget,
  ): Promise<CouponState[]> {
    const res = await this.post('/v1/coupons/check', q, undefined, budget);
    const reply = expectShape(CouponsReplySchema, res.data, 'coupons answer');
    return reply.coupons.map((c) => ({
      ...c,
      status: COUPON_STATUSES.has(c.status) ? (c.status as CouponState['status']) : 'unknown',
    }));
  }

  async fetchReceipt(q: { receiptId: string; storeId?: string }): Promise<CloudReceiptLookup> {
    const agentId = this.options.agentId;
    if (!agentId)
      throw new TypeError('reading a receipt from the cloud needs the agent id (options.agentId)');
    const res = await this.http.call({
      method: 'GET',
      path: `/v1/agents/${encodeURIComponent(agentId)}/receipts/${encodeURIComponent(q.receiptId)}`,
      query: { storeId: q.storeId },
      deadlineMs: this.deadlineMs,
      signal: this.options.signal,
      expect: [404, 409],
    });
    // A 404 or 409 counts only with the route's own code: a cloud without this route answers a bare
    // 404 NOT_FOUND, which must not tell the till that the receipt does not exist.
    const code = errorCodeOf(res.data);
    if (res.status === 404 && code === 'RECEIPT_NOT_FOUND') return { kind: 'missing' };
    if (res.status === 409 && code === 'RECEIPT_AMBIGUOUS') {
      return { kind: 'ambiguous', storeIds: errorDetailsOf(res.data) };
    }
    if (res.status !== 200) {
      throw new CloudProtocolError(
        `the cloud answered the receipt read with ${res.status} ${code ?? ''}`.trim(),
      );
    }
    const receipt = expectShape(ReceiptForReturnSchema, res.data, 'receipt answer');
    if (receipt.receiptId !== q.receiptId || receipt.sale.receiptId !== q.receiptId) {
      throw new CloudProtocolError(`the cloud answered receipt ${receipt.receiptId} for ${q.receiptId}`);
    }
    if (q.storeId !== undefined && receipt.storeId !== q.storeId) {
      throw new CloudProtocolError(`the cloud answered store ${receipt.storeId} for ${q.storeId}`);
    }
    return { kind: 'found', receipt };
  }

  /**
   * This call's deadline: its own, cut to what is left of the request's budget. Nothing left → the
   * call is not made (it rejects like a call the cloud did not answer in time). Synchronous throw on
   * purpose: no request leaves, and the sync status is not told (this says nothing about the cloud).
   */
  private deadlineWithin(budget: CallBudget | undefined): number {
    if (!budget) return this.deadlineMs;
    const left = budget.remainingMs();
    if (left <= 0) {
      throw new CloudCallError({ verdict: 'retry', reason: 'no time left of the online deadline' });
    }
    return Math.min(this.deadlineMs, left);
  }

  private post(path: string, body: unknown, expect?: number[], budget?: CallBudget) {
    return this.http.call({
      method: 'POST',
      path,
      body,
      deadlineMs: this.deadlineWithin(budget),
      signal: this.options.signal,
      expect,
    });
  }
}

function errorCodeOf(data: unknown): string | undefined {
  const error = (data as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}

function errorDetailsOf(data: unknown): string[] {
  const details = (data as { error?: { details?: unknown } } | null)?.error?.details;
  return Array.isArray(details) ? details.filter((d): d is string => typeof d === 'string') : [];
}
