// The customer as this agent knows them: the cache's copy of the cloud plus the effect of what this
// agent confirmed and the cloud has not acknowledged yet (local-balance.ts). The engine calculates
// with this snapshot; a confirm answers with this balance.
import type { CustomerSnapshot } from '../domain/types.js';
import { customerKeyOf } from '../protocol/customer-key.js';
import type { Tx } from '../protocol/sync.js';
import type { ResolvedCustomer } from './customer-resolver.js';
import { type Balance, cachedEntryIsStale, newcomerSnapshot, toSnapshot } from './customer-view.js';
import { addBalances, unsyncedEffect } from './local-balance.js';
import type { CloudGateway, CustomerCache, Journal } from './ports.js';
import type { ProgramHolder } from './program-holder.js';

export class KnownCustomers {
  constructor(
    private readonly o: {
      program: ProgramHolder;
      journal: Journal;
      cache: CustomerCache;
      cloud: CloudGateway | null;
      now: () => Date;
      /** Offline, a cached customer whose data is older than this gets the base tier (customer-view.ts). */
      cacheMaxAgeMs: number;
      /** Since when every cached customer is known current (the last pull that read the whole feed). */
      cacheCurrentAsOf?: () => string | null;
    },
  ) {}

  /** The customer as the engine sees them: cache balance plus what is still in our outbox. */
  snapshotOf(
    resolved: ResolvedCustomer,
    offline = resolved.offline,
  ): { snapshot: CustomerSnapshot; offlineRedeemed: number } {
    const program = this.o.program.current();
    const keys = [
      resolved.customer ? `id:${resolved.customer.id}` : null,
      resolved.card ? `card:${resolved.card}` : null,
      resolved.phone ? `phone:${resolved.phone}` : null,
    ].filter((k): k is string => k !== null);
    const effect = unsyncedEffect(this.o.journal, keys, program);
    if (!resolved.customer) {
      const s = newcomerSnapshot();
      return {
        snapshot: { ...s, balance: addBalances(s.balance, effect.balance) },
        offlineRedeemed: effect.offlineRedeemed,
      };
    }
    const balance: Balance = addBalances(resolved.customer.balance, effect.balance);
    balance.available = Math.max(0, balance.available);
    return {
      snapshot: toSnapshot(
        resolved.customer,
        balance,
        // A store without a cloud has nothing to refresh its cache from: it works from what it has.
        offline &&
          resolved.source === 'cache' &&
          this.o.cloud !== null &&
          cachedEntryIsStale(
            resolved.customer,
            this.o.now().getTime(),
            this.o.cacheMaxAgeMs,
            this.o.cacheCurrentAsOf?.() ?? null,
          ),
      ),
      offlineRedeemed: effect.offlineRedeemed,
    };
  }

  /** The balance of the customer of a confirmed transaction, that transaction included. */
  balanceOf(tx: Tx): Balance {
    const key = customerKeyOf(tx.customer);
    const cached = tx.customer.id ? this.o.cache.byId(tx.customer.id) : undefined;
    const effect = unsyncedEffect(this.o.journal, key ? [key] : [], this.o.program.current());
    const balance = addBalances(cached?.balance ?? { available: 0, pending: 0 }, effect.balance);
    return { available: Math.max(0, balance.available), pending: balance.pending };
  }
}
