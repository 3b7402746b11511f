// POST /v1/agents/{agentId}/transactions: one database transaction per batch, the agent's row
// locked so two deliveries of the same batch cannot interleave; each Tx id applied once, in seq
// order; one answer per Tx in the order received. The batch is read in a few queries, applied in
// memory item by item (a later item sees the earlier ones: a sale then its return, two sales of one
// customer) and written back in a few multi-row statements.
import type { Tx, TxResult } from '../../protocol/sync.js';
import type { Db } from '../db/db.js';
import { applyEnrolment } from './apply-enrolment.js';
import { applyReturn } from './apply-return.js';
import { applySale } from './apply-sale.js';
import { loadBatch } from './batch-load.js';
import type { BatchState } from './batch-state.js';
import { writeBatch } from './batch-write.js';
import type { ApplyOutcome, IngestContext } from './ingest-context.js';
import { checkTx } from './tx-schema.js';

export interface IngestingAgent {
  agentId: string;
  storeId: string;
}

export async function ingestBatch(
  db: Db,
  agent: IngestingAgent,
  batch: unknown[],
  ctx: IngestContext,
): Promise<TxResult[]> {
  return db.transaction(async (q) => {
    await q.query('SELECT agent_id FROM agents WHERE agent_id = $1 FOR UPDATE', [agent.agentId]);
    const checked = batch.map((raw) => ({ raw, check: checkTx(raw) }));
    // Stable order by seq; malformed entries keep their place (they only get rejected).
    const order = checked
      .map((c, i) => ({ i, seq: c.check.ok ? c.check.tx.seq : Number.NEGATIVE_INFINITY }))
      .sort((a, b) => a.seq - b.seq || a.i - b.i)
      .map((o) => o.i);
    const ours = checked.flatMap((c) =>
      c.check.ok && c.check.tx.storeId === agent.storeId ? [c.check.tx] : [],
    );
    const state = await loadBatch(q, agent.agentId, ours, ctx);

    const results: TxResult[] = new Array(batch.length);
    let maxSeq = 0;
    for (const i of order) {
      const { raw, check } = checked[i]!;
      if (!check.ok) {
        results[i] = reject(state, raw, idOf(raw), check.reason);
        continue;
      }
      results[i] = ingestOne(state, agent, check.tx);
      if (results[i]!.status === 'accepted') maxSeq = Math.max(maxSeq, check.tx.seq);
    }
    await writeBatch(q, state);
    await q.query('UPDATE agents SET last_seq = GREATEST(last_seq, $2) WHERE agent_id = $1', [
      agent.agentId,
      maxSeq,
    ]);
    return results;
  });
}

function ingestOne(s: BatchState, agent: IngestingAgent, tx: Tx): TxResult {
  if (tx.storeId !== agent.storeId) {
    return reject(s, tx, tx.id, `storeId: ${tx.storeId} is not this agent's store (${agent.storeId})`);
  }
  const existing = s.txs.appliedBefore(tx.id);
  if (existing) return withBalance(s, { id: tx.id, status: 'duplicate' }, existing.customerId);

  let outcome: ApplyOutcome;
  if (tx.kind === 'sale') outcome = applySale(s, tx);
  else if (tx.kind === 'return') outcome = applyReturn(s, tx);
  else outcome = applyEnrolment(s, tx);

  if (outcome.status === 'retry') return { id: tx.id, status: 'retry', reason: outcome.reason };
  return withBalance(s, { id: tx.id, status: 'accepted' }, outcome.customerId);
}

/** The customer's balance as of this item (later items of the batch are not counted yet). */
function withBalance(s: BatchState, result: TxResult, customerId: string | null): TxResult {
  if (customerId) result.customer = { id: customerId, balance: s.lots.balance(customerId) };
  return result;
}

function reject(s: BatchState, raw: unknown, id: string, reason: string): TxResult {
  s.rejected.push({ txId: id, reason, body: raw ?? null });
  return { id, status: 'rejected', reason };
}

function idOf(raw: unknown): string {
  if (raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string') return raw.id;
  return '';
}
