// Turns what the cashier scanned or typed into a customer: online first with a short deadline,
// the local cache when the cloud is slow, down or absent. Never waits longer than the deadline.
// A QR token serves one sale (see QrTokenRule below), online and offline alike.
import { normalizeCard, normalizePhone, parseTrack2, phoneHash, verifyQrToken } from '../domain/index.js';
import type { Program } from '../domain/types.js';
import { AppError } from '../errors/catalogue.js';
import type { CachedCustomer } from '../protocol/sync.js';
import type { CallBudget, CloudGateway, CustomerCache, QrTokenSale, StateStore, SyncState } from './ports.js';
import type { CustomerQuery } from './till-api.js';

export interface ResolvedCustomer {
  via: 'card' | 'phone' | 'qr';
  /** Where the answer came from; 'none' = nobody knows this card/phone (yet). */
  source: 'cloud' | 'cache' | 'none';
  customer: CachedCustomer | null;
  card?: string;
  phone?: string;
  /** True when the cloud could not be asked or did not answer in time. */
  offline: boolean;
}

/** Where a look-up happens: identify names no receipt; calculate names its receipt and budget. */
export interface ResolveContext {
  receiptId?: string;
  /** What is left of the request's online deadline (absent: the gateway's own deadline). */
  budget?: CallBudget;
}

export class CustomerResolver {
  /**
   * The live view of `SyncState.qrTokenSales`, loaded at the first QR. Checked and changed without
   * an await in between, so two requests with one token cannot both claim it.
   */
  private qrSales: Map<string, QrTokenSale> | null = null;

  constructor(
    private readonly deps: {
      program: () => Program;
      cache: CustomerCache;
      syncState: StateStore<SyncState>;
      cloud: CloudGateway | null;
      now: () => number;
      /** True once the receipt is confirmed or cancelled (its sale is over). */
      receiptFinished: (receiptId: string) => boolean;
    },
  ) {}

  async resolve(tillId: string, q: CustomerQuery, ctx: ResolveContext = {}): Promise<ResolvedCustomer> {
    if ('card' in q) return this.byCard(q.card, ctx.budget);
    if ('phone' in q) return this.byPhone(q.phone, ctx.budget);
    return this.byQr(tillId, q.qr, ctx);
  }

  private async byCard(raw: string, budget: CallBudget | undefined): Promise<ResolvedCustomer> {
    const card = parseCardInput(raw, this.deps.program());
    const online = await this.askCloud({ card }, budget);
    if (online.reached) {
      return {
        via: 'card',
        source: online.customer ? 'cloud' : 'none',
        customer: online.customer,
        card,
        offline: false,
      };
    }
    const cached = this.deps.cache.byCard(card) ?? null;
    return {
      via: 'card',
      source: cached ? 'cache' : 'none',
      customer: cached,
      card,
      offline: online.offline,
    };
  }

  private async byPhone(raw: string, budget: CallBudget | undefined): Promise<ResolvedCustomer> {
    let phone: string;
    try {
      phone = normalizePhone(raw);
    } catch {
      throw new AppError('PHONE_INVALID', `«${maskInput(raw)}» — не российский номер телефона`);
    }
    const online = await this.askCloud({ phone }, budget);
    if (online.reached) {
      return {
        via: 'phone',
        source: online.customer ? 'cloud' : 'none',
        customer: online.customer,
        phone,
        offline: false,
      };
    }
    const salt = this.deps.program().phoneSalt ?? '';
    const cached = this.deps.cache.byPhoneHash(phoneHash(salt, phone)) ?? null;
    return {
      via: 'phone',
      source: cached ? 'cache' : 'none',
      customer: cached,
      phone,
      offline: online.offline,
    };
  }

  private async byQr(tillId: string, token: string, ctx: ResolveContext): Promise<ResolvedCustomer> {
    const now = this.deps.now();
    let claims: { customerId: string; tokenId: string; expiresAt: number };
    try {
      claims = verifyQrToken(token, this.deps.syncState.read().qrKeys, now);
    } catch (err) {
      throw new AppError('QR_INVALID', `QR-код не принят: ${(err as Error).message}`);
    }
    await this.claimQrToken(tillId, ctx.receiptId, claims.tokenId, claims.expiresAt * 1000, now);
    const online = await this.askCloud({ qr: token }, ctx.budget);
    if (online.refused) {
      throw new AppError('QR_INVALID', 'QR-код не принят: он уже использован на другой кассе');
    }
    if (online.reached && online.customer) {
      return { via: 'qr', source: 'cloud', customer: online.customer, offline: false };
    }
    const cached = this.deps.cache.byId(claims.customerId) ?? null;
    return { via: 'qr', source: cached ? 'cache' : 'none', customer: cached, offline: !online.reached };
  }

  /**
   * QrTokenRule — a token serves one sale: the till that first accepts it, and the receipt of the
   * first calculate that uses it. That till may show it again for identify until that receipt is
   * confirmed or cancelled, and for every (re)calculate of that receipt; any other use is refused
   * with QR_INVALID — another till, another receipt, or an identify after the sale is over.
   * A token accepted before sales were recorded (only in `usedQrTokens`) is refused outright.
   */
  private async claimQrToken(
    tillId: string,
    receiptId: string | undefined,
    tokenId: string,
    expiresAt: number,
    now: number,
  ): Promise<void> {
    const sales = this.loadQrSales();
    const sale = sales.get(tokenId);
    if (sale) {
      if (!this.sameSale(sale, tillId, receiptId)) {
        throw new AppError('QR_INVALID', 'QR-код не принят: он уже использован для другой покупки');
      }
      if (sale.receiptId !== undefined || receiptId === undefined) return;
    } else if (this.deps.syncState.read().usedQrTokens[tokenId] !== undefined) {
      throw new AppError('QR_INVALID', 'QR-код не принят: он уже использован');
    }
    // First use, or the first calculate after an identify: record which sale the token serves.
    const claimed: QrTokenSale = { tillId, expiresAt, ...(receiptId !== undefined && { receiptId }) };
    sales.set(tokenId, claimed);
    for (const [id, s] of sales) if (s.expiresAt < now) sales.delete(id);
    await this.deps.syncState.update((s) => {
      s.usedQrTokens[tokenId] = expiresAt;
      s.qrTokenSales = { ...(s.qrTokenSales ?? {}), [tokenId]: claimed };
      // Forget ids whose tokens expired: they are refused by their expiry anyway.
      for (const [id, exp] of Object.entries(s.usedQrTokens)) if (exp < now) delete s.usedQrTokens[id];
      for (const [id, use] of Object.entries(s.qrTokenSales)) {
        if (use.expiresAt < now) delete s.qrTokenSales[id];
      }
    });
  }

  private sameSale(sale: QrTokenSale, tillId: string, receiptId: string | undefined): boolean {
    if (sale.tillId !== tillId) return false;
    if (sale.receiptId === undefined) return true;
    if (receiptId === undefined) return !this.deps.receiptFinished(sale.receiptId);
    return sale.receiptId === receiptId;
  }

  private loadQrSales(): Map<string, QrTokenSale> {
    if (!this.qrSales) {
      this.qrSales = new Map(Object.entries(this.deps.syncState.read().qrTokenSales ?? {}));
    }
    return this.qrSales;
  }

  private async askCloud(
    q: { card?: string; phone?: string; qr?: string },
    budget: CallBudget | undefined,
  ): Promise<{ reached: boolean; offline: boolean; customer: CachedCustomer | null; refused?: true }> {
    if (!this.deps.cloud) return { reached: false, offline: true, customer: null };
    try {
      const answer = await this.deps.cloud.identify(q, budget);
      // The cloud's word on a QR token is final; no answer at all falls back to the cache.
      if (answer.kind === 'refused') return { reached: true, offline: false, customer: null, refused: true };
      return {
        reached: true,
        offline: false,
        customer: answer.kind === 'found' ? answer.lookup.customer : null,
      };
    } catch {
      return { reached: false, offline: true, customer: null };
    }
  }
}

/** A card as typed, scanned (EAN-13) or swiped (track 2). */
export function parseCardInput(raw: string, program: Program): string {
  const fromTrack = raw.trim().startsWith(';') ? parseTrack2(raw.trim()) : null;
  try {
    return normalizeCard(fromTrack ?? raw, program.cardRanges);
  } catch (err) {
    throw new AppError('CARD_INVALID', (err as Error).message);
  }
}

/** What a bad input may show in an error message: never a full phone or card number. */
function maskInput(raw: string): string {
  const s = raw.trim();
  return s.length <= 4 ? s : `…${s.slice(-2)}`;
}
