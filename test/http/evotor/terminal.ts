// The fake terminal: a bridge on 127.0.0.1:0 with the host's ajv settings, and a sender that
// posts recorded events the way the terminal app does.
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { evotorBridge } from '../../../src/http/evotor/plugin.js';
import type { FakeTill } from './fake-till.js';

export const TOKEN = 'evotor-terminal-secret';

/** Ids of the recorded sale (test/fixtures/evotor/session.json): the receipt and its positions. */
export const SALE = '5f0c2c8e-3a1b-4d7e-9c61-0b8f6a2d4e19';
export const MILK = 'a3e1c7d2-1f4b-4c8a-9e2d-7b6f5a4c3d21';
export const TOBACCO = 'b7d2e9f1-6c3a-4b5e-8d1f-2a9c8e7b6d54';
export const CHEESE = 'c1f4a8b3-9e2d-4f6c-a7b1-5d3e2c1b0a98';

/**
 * The terminal's positions for the MECHANICS worked example, derived by hand: milk 16221 = 3 × 54,07;
 * tobacco at its printed 215,00; cheese 35550 for 0,455 kg → 78132 per kg.
 */
export const WORKED_POSITIONS = [
  {
    action: 'edit',
    uuid: MILK,
    originalUuid: MILK,
    quantity: '3',
    priceWithDiscountPosition: '54.07',
    sumWithDiscount: '162.21',
  },
  {
    action: 'edit',
    uuid: TOBACCO,
    originalUuid: TOBACCO,
    quantity: '1',
    priceWithDiscountPosition: '215.00',
    sumWithDiscount: '215.00',
  },
  {
    action: 'edit',
    uuid: CHEESE,
    originalUuid: CHEESE,
    quantity: '0.455',
    priceWithDiscountPosition: '781.32',
    sumWithDiscount: '355.50',
  },
];

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
