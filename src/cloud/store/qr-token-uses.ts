// Which agent a QR token serves (migration 4). The first agent that identifies a customer by a token
// owns it until the token expires; the same agent may ask again (identify, then calculate), any
// other agent is refused — a screenshot of the app's QR cannot serve a second sale at another store.
// Claiming is one INSERT … ON CONFLICT, so two agents racing with one token get one owner.
import type { Queryable } from '../db/db.js';

export interface QrTokenUse {
  tokenId: string;
  agentId: string;
  /** The token's own expiry. */
  expiresAt: Date;
}

/** True when `use.agentId` owns the token now (it just claimed it, or had before). */
export async function claimQrToken(db: Queryable, use: QrTokenUse, now: Date): Promise<boolean> {
  // Expired claims are of no use to anyone (an expired token is refused before it gets here).
  await db.query('DELETE FROM qr_token_uses WHERE expires_at < $1', [now]);
  await db.query(
    `INSERT INTO qr_token_uses (token_id, agent_id, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (token_id) DO NOTHING`,
    [use.tokenId, use.agentId, use.expiresAt],
  );
  const rows = await db.query<{ agent_id: string }>(
    'SELECT agent_id FROM qr_token_uses WHERE token_id = $1',
    [use.tokenId],
  );
  return rows[0]?.agent_id === use.agentId;
}
