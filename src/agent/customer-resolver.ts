// Turns what the cashier scanned or typed into a customer: online first with a short deadline,
// the local cache when the cloud is slow, down or absent. Never waits longer than the deadline.
import { normalizeCard, normalizePhone, parseTrack2, phoneHash, verifyQrToken } from '../domain/index.js';
import type { Program } from '../domain/types.js';
import type { CachedCustomer } from '../protocol/sync.js';
import type { CloudGateway, CustomerCache, StateStore, SyncState } from './ports.js';
import { type CustomerQuery, TillError } from './till-api.js';

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

/** A QR token may be shown again at the same till while that checkout goes on. */
const QR_SAME_TILL_GRACE_MS = 10 * 60_000;

export class CustomerResolver {
  private readonly qrFirstUse = new Map<string, { tillId: string; at: number }>();

  constructor(
    private readonly deps: {
      program: () => Program;
      cache: CustomerCache;
      syncState: StateStore<SyncState>;
      cloud: CloudGateway | null;
      now: () => number;
    },
  ) {}

  async resolve(tillId: string, q: CustomerQuery): Promise<ResolvedCustomer> {
    if ('card' in q) return this.byCard(q.card);
    if ('phone' in q) return this.byPhone(q.phone);
    return this.byQr(tillId, q.qr);
  }

  private async byCard(raw: string): Promise<ResolvedCustomer> {
    const card = parseCardInput(raw, this.deps.program());
    const online = await this.askCloud({ card });
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

  private async byPhone(raw: string): Promise<ResolvedCustomer> {
    let phone: string;
    try {
      phone = normalizePhone(raw);
    } catch {
      throw new TillError(400, 'PHONE_INVALID', `«${maskInput(raw)}» — не российский номер телефона`);
    }
    const online = await this.askCloud({ phone });
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

  private async byQr(tillId: string, token: string): Promise<ResolvedCustomer> {
    const now = this.deps.now();
    let claims: { customerId: string; tokenId: string; expiresAt: number };
    try {
      claims = verifyQrToken(token, this.deps.syncState.read().qrKeys, now);
    } catch (err) {
      throw new TillError(400, 'QR_INVALID', `QR-код не принят: ${(err as Error).message}`);
    }
    await this.claimQrToken(tillId, claims.tokenId, claims.expiresAt * 1000, now);
    const online = await this.askCloud({ qr: token });
    if (online.reached && online.customer) {
      return { via: 'qr', source: 'cloud', customer: online.customer, offline: false };
    }
    const cached = this.deps.cache.byId(claims.customerId) ?? null;
    return { via: 'qr', source: cached ? 'cache' : 'none', customer: cached, offline: !online.reached };
  }

  /** Each token id is accepted once; the same till may repeat it during one checkout. */
  private async claimQrToken(
    tillId: string,
    tokenId: string,
    expiresAtMs: number,
    now: number,
  ): Promise<void> {
    const first = this.qrFirstUse.get(tokenId);
    if (first) {
      if (first.tillId === tillId && now - first.at < QR_SAME_TILL_GRACE_MS) return;
      throw new TillError(400, 'QR_INVALID', 'QR-код не принят: он уже использован');
    }
    if (this.deps.syncState.read().usedQrTokens[tokenId] !== undefined) {
      throw new TillError(400, 'QR_INVALID', 'QR-код не принят: он уже использован');
    }
    this.qrFirstUse.set(tokenId, { tillId, at: now });
    await this.deps.syncState.update((s) => {
      s.usedQrTokens[tokenId] = expiresAtMs;
      // Forget ids whose tokens expired: they are refused by their expiry anyway.
      for (const [id, exp] of Object.entries(s.usedQrTokens)) if (exp < now) delete s.usedQrTokens[id];
    });
    for (const [id, use] of this.qrFirstUse)
      if (now - use.at > QR_SAME_TILL_GRACE_MS) this.qrFirstUse.delete(id);
  }

  private async askCloud(q: {
    card?: string;
    phone?: string;
    qr?: string;
  }): Promise<{ reached: boolean; offline: boolean; customer: CachedCustomer | null }> {
    if (!this.deps.cloud) return { reached: false, offline: true, customer: null };
    try {
      const found = await this.deps.cloud.identify(q);
      return { reached: true, offline: false, customer: found?.customer ?? null };
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
    throw new TillError(400, 'CARD_INVALID', (err as Error).message);
  }
}

/** What a bad input may show in an error message: never a full phone or card number. */
function maskInput(raw: string): string {
  const s = raw.trim();
  return s.length <= 4 ? s : `…${s.slice(-2)}`;
}
