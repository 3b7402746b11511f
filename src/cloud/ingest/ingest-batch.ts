// POST /v1/agents/{agentId}/transactions: one database transaction per batch, the agent's row
// locked so two deliveries of the same batch cannot interleave; each Tx id applied once, in seq
// order; one answer per Tx in the order received.
import type { Tx, TxResult } from '../../protocol/sync.js';
import type { Db, Queryable } from '../db/db.js';
import { balanceOf } from '../store/point-lots.js';
import { applyEnrolment } from './apply-enrolment.js';
import { applyReturn } from './apply-return.js';
import { applySale } from './apply-sale.js';
import type { ApplyOutcome, IngestContext } from './ingest-context.js';
import { findTransaction } from './transaction-rows.js';
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
    const results: TxResult[] = new Array(batch.length);
    let maxSeq = 0;
    for (const i of order) {
      const { raw, check } = checked[i]!;
      if (!check.ok) {
        results[i] = await reject(q, agent, raw, idOf(raw), check.reason, ctx.now);
        continue;
      }
      results[i] = await ingestOne(q, agent, check.tx, ctx);
      if (results[i]!.status === 'accepted') maxSeq = Math.max(maxSeq, check.tx.seq);
    }
    await q.query('UPDATE agents SET last_seq = GREATEST(last_seq, $2) WHERE agent_id = $1', [
      agent.agentId,
      maxSeq,
    ]);
    return results;
  });
}

async function ingestOne(q: Queryable, agent: IngestingAgent, tx: Tx, ctx: IngestContext): Promise<TxResult> {
  if (tx.storeId !== agent.storeId) {
    return reject(
      q,
      agent,
      tx,
      tx.id,
      `storeId: ${tx.storeId} is not this agent's store (${agent.storeId})`,
      ctx.now,
    );
  }
  const existing = await findTransaction(q, tx.id);
  if (existing) return withBalance(q, { id: tx.id, status: 'duplicate' }, existing.customerId, ctx.now);

  let outcome: ApplyOutcome;
  if (tx.kind === 'sale') outcome = await applySale(q, tx, agent.agentId, ctx);
  else if (tx.kind === 'return') outcome = await applyReturn(q, tx, agent.agentId, ctx);
  else outcome = await applyEnrolment(q, tx, agent.agentId, ctx);

  if (outcome.status === 'retry') return { id: tx.id, status: 'retry', reason: outcome.reason };
  return withBalance(q, { id: tx.id, status: 'accepted' }, outcome.customerId, ctx.now);
}

async function withBalance(
  q: Queryable,
  result: TxResult,
  customerId: string | null,
  now: Date,
): Promise<TxResult> {
  if (customerId) result.customer = { id: customerId, balance: await balanceOf(q, customerId, now) };
  return result;
}

async function reject(
  q: Queryable,
  agent: IngestingAgent,
  raw: unknown,
  id: string,
  reason: string,
  now: Date,
): Promise<TxResult> {
  await q.query(
    'INSERT INTO rejected_transactions (tx_id, agent_id, reason, body, at) VALUES ($1, $2, $3, $4::text::jsonb, $5)',
    [id, agent.agentId, reason, JSON.stringify(raw ?? null), now],
  );
  return { id, status: 'rejected', reason };
}

function idOf(raw: unknown): string {
  if (raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string') return raw.id;
  return '';
}
