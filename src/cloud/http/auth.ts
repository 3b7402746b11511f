// Bearer keys: each agent has one key and reaches only its own /v1/agents/{agentId}/… paths; the
// central office's admin tokens read everything else. Online look-ups accept both.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors/catalogue.js';
import type { CloudConfig } from '../config.js';

export type Caller = { role: 'agent'; agentId: string; storeId: string } | { role: 'admin' };

export class Authenticator {
  private readonly agents: { digest: Buffer; agentId: string; storeId: string }[];
  private readonly admins: Buffer[];

  constructor(config: Pick<CloudConfig, 'agents' | 'adminTokens'>) {
    this.agents = config.agents.map((a) => ({
      digest: digest(a.key),
      agentId: a.agentId,
      storeId: a.storeId,
    }));
    this.admins = config.adminTokens.map(digest);
  }

  /** Who sent the request, from `Authorization: Bearer …`; 401 when absent or unknown. */
  identify(req: FastifyRequest, tokenFromQuery?: string): Caller {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const token = match?.[1] ?? tokenFromQuery;
    if (!token) throw new AppError('UNAUTHORIZED', 'Authorization: Bearer <key> is required');
    const d = digest(token);
    // Compare against every entry so the time taken does not tell which one matched.
    let caller: Caller | null = null;
    for (const a of this.agents) {
      if (timingSafeEqual(a.digest, d)) caller = { role: 'agent', agentId: a.agentId, storeId: a.storeId };
    }
    for (const t of this.admins) if (timingSafeEqual(t, d)) caller = { role: 'admin' };
    if (!caller) throw new AppError('UNAUTHORIZED', 'unknown key');
    return caller;
  }

  requireAgent(req: FastifyRequest, agentId: string): Extract<Caller, { role: 'agent' }> {
    const caller = this.identify(req);
    if (caller.role !== 'agent' || caller.agentId !== agentId) {
      throw new AppError('FORBIDDEN', `this key may not act for agent ${agentId}`);
    }
    return caller;
  }

  requireAdmin(req: FastifyRequest, tokenFromQuery?: string): void {
    const caller = this.identify(req, tokenFromQuery);
    if (caller.role !== 'admin') throw new AppError('FORBIDDEN', 'an admin token is required');
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
