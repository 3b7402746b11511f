// Bearer tokens per till (config http.tokens). Every /v1 route asks for one; the token decides the till.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TillError } from '../agent/till-api.js';

declare module 'fastify' {
  interface FastifyRequest {
    tillId: string;
  }
}

export function tokenAuth(tokens: { token: string; tillId: string }[]) {
  const entries = tokens.map((t) => ({ token: Buffer.from(t.token), tillId: t.tillId }));
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    // EventSource cannot send headers: the scan stream may carry the token in the query.
    const queryToken = (request.query as { token?: unknown } | undefined)?.token;
    const presented =
      typeof header === 'string' && header.startsWith('Bearer ')
        ? header.slice(7).trim()
        : typeof queryToken === 'string'
          ? queryToken
          : '';
    const given = Buffer.from(presented);
    const match = entries.find((e) => e.token.length === given.length && timingSafeEqual(e.token, given));
    if (!match)
      throw new TillError(401, 'UNAUTHORIZED', 'Нужен действующий токен кассы (Authorization: Bearer …)');
    request.tillId = match.tillId;
  };
}
