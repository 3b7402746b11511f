// The cloud as the till sees it: look-ups and holds that must answer within a short deadline.
// On any failure they reject, and the caller carries on from the local cache (MECHANICS "Offline").
import type { CloudCustomerLookup, CloudGateway } from '../agent/ports.js';
import type { CouponState } from '../domain/types.js';
import { InsufficientPointsError } from './errors.js';
import type { CloudHttp } from './http-client.js';
import { CouponsReplySchema, expectShape, HoldReplySchema, IdentifyReplySchema } from './wire-schemas.js';

export interface CloudGatewayOptions {
  /** Longest the till waits for one online call (MECHANICS: default 800 ms). */
  deadlineMs?: number;
  /** Aborts calls in flight when the agent stops. */
  signal?: AbortSignal;
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

  async identify(q: { card?: string; phone?: string; qr?: string }): Promise<CloudCustomerLookup | null> {
    // Exactly one key travels: the spec's body is `{"card" | "phone" | "qr"}`.
    const body = q.card ? { card: q.card } : q.phone ? { phone: q.phone } : q.qr ? { qr: q.qr } : null;
    if (!body) throw new TypeError('identify needs a card, a phone or a QR token');
    const res = await this.post('/v1/identify', body, [404]);
    if (res.status === 404) return null;
    return expectShape(IdentifyReplySchema, res.data, 'identify answer');
  }

  async createHold(h: {
    holdId: string;
    customerId: string;
    points: number;
    receiptId: string;
    ttlSec: number;
  }): Promise<{ holdId: string; expiresAt: string }> {
    const res = await this.post('/v1/holds', h, [409]);
    if (res.status === 409) throw new InsufficientPointsError();
    return expectShape(HoldReplySchema, res.data, 'hold answer');
  }

  async releaseHold(holdId: string): Promise<void> {
    // 404: the hold is already gone (expired or captured) — which is what releasing wants.
    await this.http.call({
      method: 'DELETE',
      path: `/v1/holds/${encodeURIComponent(holdId)}`,
      deadlineMs: this.deadlineMs,
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

  async checkCoupons(q: { codes: string[]; customerId?: string }): Promise<CouponState[]> {
    const res = await this.post('/v1/coupons/check', q);
    const reply = expectShape(CouponsReplySchema, res.data, 'coupons answer');
    return reply.coupons.map((c) => ({
      ...c,
      status: COUPON_STATUSES.has(c.status) ? (c.status as CouponState['status']) : 'unknown',
    }));
  }

  private post(path: string, body: unknown, expect?: number[]) {
    return this.http.call({
      method: 'POST',
      path,
      body,
      deadlineMs: this.deadlineMs,
      signal: this.options.signal,
      expect,
    });
  }
}
