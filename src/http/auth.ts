// Bearer tokens per till (config http.tokens). Every /v1 route asks for one; the token decides the till.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/catalogue.js';

declare module 'fastify' {
  interface FastifyRequest {
    tillId: string;
  }
}

/** The till a request's token belongs to, or null. The token may also come as `?token=`
 * (EventSource cannot send headers, so the scan stream needs it). Compared in constant time. */
export function tillOfRequest(
  tokens: { token: string; tillId: string }[],
): (request: FastifyRequest) => string | null {
  const known = tokens.map((t) => ({ token: Buffer.from(t.token), tillId: t.tillId }));
  return (request) => {
    const header = request.headers.authorization;
    const queryToken = (request.query as { token?: unknown } | undefined)?.token;
    const presented =
      typeof header === 'string' && header.startsWith('Bearer ')
        ? header.slice(7).trim()
        : typeof queryToken === 'string'
          ? queryToken
          : '';
    const given = Buffer.from(presented);
    return (
      known.find((k) => k.token.length === given.length && timingSafeEqual(k.token, given))?.tillId ?? null
    );
  };
}

export function tokenAuth(tokens: { token: string; tillId: string }[]) {
  const tillOf = tillOfRequest(tokens);
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const tillId = tillOf(request);
    if (!tillId)
      throw new AppError('UNAUTHORIZED', 'Нужен действующий токен кассы (Authorization: Bearer …)');
    request.tillId = tillId;
  };
}
