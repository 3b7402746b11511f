// Finds the customer a Tx names (id, card or phone) or creates them at the base tier: a sale for a
// card or phone the cloud does not know creates the customer and answers its id.
import type { TxCustomer } from '../../protocol/sync.js';
import type { Queryable } from '../db/db.js';
import { attachCard, type CustomerRow, createCustomer, findCustomer } from '../store/customers.js';

export interface ResolvedCustomer {
  row: CustomerRow;
  created: boolean;
}

export async function resolveCustomer(
  q: Queryable,
  who: TxCustomer,
  now: Date,
  /** When a customer created here joined: the time of the Tx that named them. */
  memberSince: Date,
): Promise<ResolvedCustomer | null> {
  if (!who.id && !who.card && !who.phone) return null;
  const found = await findCustomer(q, who, true);
  if (found) {
    // A new card shown with a known id joins that customer; a card owned by someone else stays theirs.
    if (who.card) await attachCard(q, found.id, who.card);
    if (who.phone && !found.phone) await linkPhone(q, found.id, who.phone);
    return { row: found, created: false };
  }
  // An id the cloud does not know (e.g. created by another cloud instance) is kept, not invented anew.
  const data: Parameters<typeof createCustomer>[1] = { cards: who.card ? [who.card] : [] };
  if (who.id) data.id = who.id;
  // findCustomer above already looked the phone up, so it is free here.
  if (who.phone) data.phone = who.phone;
  const row = await createCustomer(q, data, now, memberSince);
  return { row, created: true };
}

async function linkPhone(q: Queryable, customerId: string, phone: string): Promise<void> {
  const owner = await findCustomer(q, { phone });
  if (!owner) await q.query('UPDATE customers SET phone = $2 WHERE id = $1', [customerId, phone]);
}
