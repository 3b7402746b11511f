// An in-memory CustomerCache faithful to the port: upserts by id, `deleted` removes, look-ups by
// card, phone hash and id.
import type { CustomerCache } from '../../../src/agent/ports.js';
import type { CachedCustomer } from '../../../src/protocol/sync.js';

export class MemoryCache implements CustomerCache {
  private readonly byIds = new Map<string, CachedCustomer>();
  private lastUpdate: string | null = null;
  applyCalls = 0;

  byCard(card: string): CachedCustomer | undefined {
    for (const c of this.byIds.values()) if (c.cards.includes(card)) return structuredClone(c);
    return undefined;
  }

  byPhoneHash(hash: string): CachedCustomer | undefined {
    for (const c of this.byIds.values()) if (c.phoneHash === hash) return structuredClone(c);
    return undefined;
  }

  byId(id: string): CachedCustomer | undefined {
    const c = this.byIds.get(id);
    return c && structuredClone(c);
  }

  async apply(changes: CachedCustomer[]): Promise<void> {
    this.applyCalls += 1;
    for (const c of changes) {
      if (c.deleted) this.byIds.delete(c.id);
      else this.byIds.set(c.id, structuredClone(c));
      if (!this.lastUpdate || c.updatedAt > this.lastUpdate) this.lastUpdate = c.updatedAt;
    }
  }

  size(): number {
    return this.byIds.size;
  }

  updatedAt(): string | null {
    return this.lastUpdate;
  }
}
