// The fake terminal: a bridge on 127.0.0.1:0 with the host's ajv settings, and a sender that
// posts recorded events the way the terminal app does.
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { evotorBridge } from '../../../src/http/evotor/plugin.js';
import type { FakeTill } from './fake-till.js';

export const TOKEN = 'evotor-terminal-secret';

export interface Recording {
  tillId: string;
  events: { type: string; body: Record<string, unknown> }[];
}

export function recording(name: string): Recording {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/evotor/${name}`, import.meta.url), 'utf8'),
  ) as Recording;
}

/** Same ajv options as src/http/server.ts: no coercion, nothing removed. */
export async function startBridge(till: FakeTill): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify({
    ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } },
  });
  await app.register(evotorBridge, { till, tillId: 'till-1', token: TOKEN });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base };
}

export async function send(base: string, type: string, body: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}/v1/evotor/${type}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
