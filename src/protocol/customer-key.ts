// One key per customer a transaction names, the way the agent knows them before the cloud does:
// the cloud id when there is one, else the card, else the phone. The outbox indexes its pending
// transactions by it, and the till adds their effect to the cached balance.
import type { Tx } from './sync.js';

export function customerKeyOf(c: Tx['customer']): string | null {
  if (c.id) return `id:${c.id}`;
  if (c.card) return `card:${c.card}`;
  if (c.phone) return `phone:${c.phone}`;
  return null;
}
