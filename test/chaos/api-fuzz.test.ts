// API fuzz: thousands of malformed or hostile requests (wrong types, negative money, huge bodies,
// unicode, wrong tokens, path traversal, prototype-pollution keys, wrong methods) against a live
// agent with a register. Every answer is a 4xx in the one error shape — never a 5xx — nothing on
// disk or in the register changes, no prototype is polluted, and a valid sale works afterwards.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulatedRegister } from '../../drivers/atol/virtual/simulated-register.js';
import { startTestAgent, type TestAgent, TOKEN } from '../helpers/agent-harness.js';
import { printFigures } from './support/env.js';
import { closeRawAgent, rawRequest } from './support/raw-http.js';
import { saleLines } from './support/till-client.js';

const REQUESTS = 10_000;

let agent: TestAgent | null = null;
let sim: ReturnType<typeof createSimulatedRegister> | null = null;
afterAll(async () => {
  closeRawAgent();
  await agent?.close();
  sim?.device.dispose();
});

interface HostileRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const base = {
  calculate: () => ({ receiptId: 'fuzz-r', lines: structuredClone(saleLines) as Json }),
  sale: () => ({
    receiptId: 'fuzz-s',
    lines: structuredClone(saleLines) as Json,
    payments: [{ type: 'card', amount: 100 }],
  }),
  confirm: () => ({ payments: [{ type: 'cash', amount: 100 }] }),
  returns: () => ({ returnId: 'fuzz-ret', receiptId: 'fuzz-r', lines: [{ lineId: '1', qty: 1 }] }),
};
type BaseName = keyof typeof base;
const routeOf: Record<BaseName, string> = {
  calculate: '/v1/receipts/calculate',
  sale: '/v1/sales',
  confirm: '/v1/receipts/fuzz-r/confirm',
  returns: '/v1/returns',
};

const unicode = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
const notAnObject: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  unicode,
  fc.array(fc.integer(), { maxLength: 3 }),
);
const badMoney: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(
  fc.integer({ min: -1_000_000_000, max: -1 }),
  fc.double({ min: 0.001, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)),
  fc.constant(null),
  fc.integer({ min: 0, max: 1e6 }).map(String),
  fc.constant('1e3'),
  fc.boolean(),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
);
const badQty: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(
  fc.constant(0),
  fc.double({ min: -1e6, max: -0.001, noNaN: true }),
  fc.constant(100_001),
  fc.constant('1'),
  fc.constant(null),
  fc.constant<Json>({}),
);
const badId: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(
  fc.constant(''),
  fc.string({ minLength: 65, maxLength: 300 }),
  fc.integer(),
  fc.constant(null),
  fc.constant<Json>(['x']),
  fc.constant<Json>({ $ne: null }),
);
const badName: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(
  fc.constant(''),
  fc.string({ minLength: 257, maxLength: 400 }),
  fc.integer(),
  fc.constant(null),
);
const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '$where',
    '__defineGetter__',
  ),
  unicode.filter(
    (k) =>
      ![
        'receiptId',
        'lines',
        'payments',
        'customer',
        'at',
        'redeem',
        'coupons',
        'cashier',
        'code',
        'fiscal',
        'returnId',
        'lineId',
        'qty',
        'sku',
        'name',
        'price',
        'category',
        'tags',
        'minPrice',
        'type',
        'amount',
      ].includes(k),
  ),
);
const pollution = fc.constantFrom<Json>({ polluted: 'yes' }, { isAdmin: true }, { toString: 'x' }, [1, 2]);

/** Sets `value` at `path` inside `doc` (which is a fresh copy). */
function setAt(doc: Json, pathParts: (string | number)[], value: Json): Json {
  let node = doc as Record<string | number, Json>;
  for (const p of pathParts.slice(0, -1)) node = node[p] as Record<string | number, Json>;
  node[pathParts[pathParts.length - 1]!] = value;
  return doc;
}

/** Adds `"key": value` as an own member, even `__proto__` (JSON text, not a JS literal). */
function withExtraKey(doc: Json, where: 'root' | 'line', key: string, value: Json): string {
  const member = `${JSON.stringify(key)}:${JSON.stringify(value)},`;
  const text = JSON.stringify(doc);
  if (where === 'line' && text.includes('"lines":[{'))
    return text.replace('"lines":[{', `"lines":[{${member}`);
  return `{${member}${text.slice(1)}`;
}

/** A body of `route` that breaks the schema in one place, with unicode decorations elsewhere. */
const schemaDefect: fc.Arbitrary<{ route: BaseName; text: string; defect: string }> = fc
  .record({
    route: fc.constantFrom<BaseName>('calculate', 'sale', 'confirm', 'returns'),
    which: fc.nat(11),
    money: badMoney,
    qty: badQty,
    id: badId,
    name: badName,
    key: hostileKey,
    keyValue: pollution,
    other: notAnObject,
    decoration: unicode,
  })
  .map(({ route, which, money, qty, id, name, key, keyValue, other, decoration }) => {
    const doc = base[route]() as Record<string, Json>;
    if (Array.isArray(doc.lines)) setAt(doc, ['lines', 0, 'name'], decoration); // valid unicode, not the defect
    const hasLines = route === 'calculate' || route === 'sale';
    const hasPayments = route === 'sale' || route === 'confirm';
    switch (which) {
      case 0:
        return hasLines
          ? { route, text: JSON.stringify(setAt(doc, ['lines', 0, 'price'], money)), defect: 'price' }
          : {
              route,
              text: JSON.stringify(
                setAt(
                  doc,
                  hasPayments ? ['payments', 0, 'amount'] : ['lines', 0, 'qty'],
                  hasPayments ? money : qty,
                ),
              ),
              defect: 'amount',
            };
      case 1:
        return hasLines
          ? { route, text: JSON.stringify(setAt(doc, ['lines', 0, 'qty'], qty)), defect: 'qty' }
          : { route, text: withExtraKey(doc, 'root', key, keyValue), defect: 'extra key' };
      case 2:
        return route === 'confirm'
          ? {
              route,
              text: JSON.stringify(setAt(doc, ['payments', 0, 'type'], decoration)),
              defect: 'payment type',
            }
          : {
              route,
              text: JSON.stringify(setAt(doc, [route === 'returns' ? 'returnId' : 'receiptId'], id)),
              defect: 'id',
            };
      case 3:
        return { route, text: withExtraKey(doc, 'root', key, keyValue), defect: 'extra key' };
      case 4:
        return hasLines
          ? { route, text: withExtraKey(doc, 'line', key, keyValue), defect: 'extra key in a line' }
          : { route, text: JSON.stringify(other), defect: 'not an object' };
      case 5:
        return hasLines
          ? { route, text: JSON.stringify(setAt(doc, ['lines', 0, 'name'], name)), defect: 'name' }
          : { route, text: JSON.stringify(other), defect: 'not an object' };
      case 6:
        return hasLines
          ? { route, text: JSON.stringify(setAt(doc, ['lines'], [])), defect: 'no lines' }
          : {
              route,
              text: JSON.stringify(
                setAt(doc, route === 'confirm' ? ['code'] : ['receiptId'], route === 'confirm' ? '' : id),
              ),
              defect: 'empty field',
            };
      case 7:
        return hasLines
          ? {
              route,
              text: JSON.stringify(setAt(doc, ['customer'], { card: decoration, phone: decoration })),
              defect: 'two identifiers',
            }
          : { route, text: JSON.stringify(other), defect: 'not an object' };
      case 8:
        return hasLines
          ? {
              route,
              text: JSON.stringify(
                setAt(doc, ['redeem'], { points: -Math.abs(Math.floor(Number(money) || 5)) - 1 }),
              ),
              defect: 'negative redeem',
            }
          : { route, text: withExtraKey(doc, 'root', '__proto__', keyValue), defect: '__proto__' };
      case 9:
        return route === 'sale'
          ? { route, text: JSON.stringify(setAt(doc, ['payments'], [])), defect: 'no payments' }
          : { route, text: JSON.stringify(other), defect: 'not an object' };
      case 10:
        return {
          route,
          text: JSON.stringify(doc).slice(0, 1 + (decoration.length % 20)),
          defect: 'truncated JSON',
        };
      default:
        return {
          route,
          text: withExtraKey(doc, hasLines ? 'line' : 'root', 'constructor', {
            prototype: { polluted: true },
          }),
          defect: 'constructor.prototype',
        };
    }
  });

const pathSegment = fc.oneof(
  unicode.map(encodeURIComponent),
  fc.constantFrom(
    '..',
    '%2e%2e',
    '..%2f..%2f..%2fetc%2fpasswd',
    '%00',
    'journal',
    '.data',
    '~',
    '%2F',
    '..;',
    'con',
    '__proto__',
  ),
);

function hostileRequests(): fc.Arbitrary<HostileRequest> {
  const json = (token: string | null): Record<string, string> =>
    token === null
      ? { 'content-type': 'application/json' }
      : { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return fc.oneof(
    {
      weight: 10,
      arbitrary: schemaDefect.map((d) => ({
        kind: `schema: ${d.defect}`,
        method: 'POST',
        path: routeOf[d.route],
        headers: json(TOKEN),
        body: Buffer.from(d.text),
      })),
    },
    {
      // A valid calculate with a wrong or missing token: refused before anything happens.
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.constant(null),
          fc.constant(''),
          fc.string({ unit: fc.constantFrom(...'abcdefXYZ0123456789-_ '), maxLength: 40 }),
          fc.constant(`${TOKEN}x`),
          fc.constant(TOKEN.toUpperCase()),
          fc.constant(` ${TOKEN.slice(1)}`),
        )
        .filter((t) => t === null || t.trim() !== TOKEN)
        .map((token) => ({
          kind: 'wrong token',
          method: 'POST',
          path: '/v1/receipts/calculate',
          headers: json(token),
          body: Buffer.from(JSON.stringify(base.calculate())),
        })),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
        )
        .filter((t) => {
          try {
            const v = JSON.parse(t) as unknown;
            return typeof v !== 'object' || v === null;
          } catch {
            return true;
          }
        })
        .filter((t) => t.trim() !== '')
        .chain((text) =>
          fc.constantFrom('/v1/receipts/calculate', '/v1/identify', '/v1/sales', '/v1/returns').map((p) => ({
            kind: 'garbage body',
            method: 'POST',
            path: p,
            headers: json(TOKEN),
            body: Buffer.from(text, 'latin1'),
          })),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
          fc.array(pathSegment, { minLength: 1, maxLength: 5 }),
          fc.boolean(),
        )
        .map(([method, segs, authed]) => ({
          kind: 'path traversal',
          method,
          path: `/v1/${segs.join('/')}`,
          headers: (authed ? { authorization: `Bearer ${TOKEN}` } : {}) as Record<string, string>,
        })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('confirm', 'cancel'),
          unicode,
          fc.constantFrom('', '/../../healthz', '%2f..%2f..'),
        )
        .map(([action, id, tail]) => ({
          kind: `${action} of an unknown receipt`,
          method: 'POST',
          path: `/v1/receipts/${encodeURIComponent(`nope-${id}`)}${tail}/${action}`,
          headers: json(TOKEN),
          body: Buffer.from('{}'),
        })),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.record({
            card: fc.oneof(
              unicode,
              fc.stringMatching(/^2[0-9]{12}$/).filter((c) => c.endsWith('0')),
            ),
          }),
          fc.record({ phone: unicode }),
          fc.record({ qr: unicode }),
          fc.constant({}),
          fc.record({ card: fc.integer() }),
        )
        .map((q) => ({
          kind: 'identify',
          method: 'POST',
          path: '/v1/identify',
          headers: json(TOKEN),
          body: Buffer.from(JSON.stringify(q)),
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('limit=0', 'limit=-5', 'limit=abc', 'limit=99999', 'state=nope'),
          fc.constantFrom(
            '__proto__[polluted]=1',
            'constructor[prototype][polluted]=1',
            '__proto__.polluted=1',
          ),
        )
        .map(([bad, pol]) => ({
          kind: 'query pollution',
          method: 'GET',
          path: `/v1/queue?${pol}&${bad}`,
          headers: { authorization: `Bearer ${TOKEN}` },
        })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH').chain((method) =>
        fc.constantFrom('/v1/receipts/calculate', '/v1/status', '/v1/sales', '/v1/identify').map((p) => ({
          kind: 'wrong method',
          method,
          path: p,
          headers: json(TOKEN),
          body: Buffer.from('{}'),
        })),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
        )
        .map((ct) => ({
          kind: 'wrong content type',
          method: 'POST',
          path: '/v1/receipts/calculate',
          headers: { 'content-type': ct, authorization: `Bearer ${TOKEN}` },
          body: Buffer.from(JSON.stringify(base.calculate())),
        })),
    },
  );
}

/** Every file of the data directory with a hash of its content. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else
        out[path.relative(dir, p)] = createHash('sha256')
          .update(await readFile(p))
          .digest('hex');
    }
  };
  await walk(dir);
  return out;
}

describe('API fuzz', () => {
  it(`answers ${REQUESTS} hostile requests with 4xx only and changes nothing`, async () => {
    sim = createSimulatedRegister();
    agent = await startTestAgent({ register: { driver: 'simulator' } }, { register: sim.register });
    const port = Number(new URL(agent.url).port);
    const before = await snapshot(agent.dir);
    const printedBefore = sim.device.journal.length;

    const requests = fc.sample(hostileRequests(), REQUESTS);
    // A few bodies over the 1 MiB limit.
    for (let i = 0; i < 10; i++) {
      const huge = JSON.stringify({
        receiptId: `huge-${i}`,
        lines: [{ lineId: '1', sku: 'X', name: 'й'.repeat(600_000), price: 1, qty: 1 }],
      });
      requests.push({
        kind: 'huge body',
        method: 'POST',
        path: '/v1/receipts/calculate',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: Buffer.from(huge),
      });
    }
    const byKind = new Map<string, number>();
    const failures: string[] = [];
    for (const r of requests) {
      const res = await rawRequest(port, r.method, r.path, r.headers, r.body);
      byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
      let shaped = false;
      try {
        const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
        shaped = typeof body.error?.code === 'string' && typeof body.error.message === 'string';
      } catch {
        shaped = false;
      }
      if (res.status < 400 || res.status >= 500 || !shaped) {
        failures.push(
          `${r.kind}: ${r.method} ${r.path} ${r.body?.toString('utf8').slice(0, 200) ?? ''} → ${res.status} ${res.body.slice(0, 200)}`,
        );
      }
    }

    const after = await snapshot(agent.dir);
    const polluted = ['polluted', 'isAdmin'].filter((k) => k in ({} as Record<string, unknown>));
    printFigures('API fuzz', {
      operations: requests.length,
      faults: requests.length,
      non4xx: failures.length,
      lost: 0,
      duplicated: 0,
      kinds: JSON.stringify(Object.fromEntries(byKind)),
    });
    expect(failures.slice(0, 20), `${failures.length} requests not answered with a shaped 4xx`).toEqual([]);
    expect(after, 'the data directory changed').toEqual(before);
    expect(sim.device.journal.length, 'the register printed something').toBe(printedBefore);
    expect(polluted, 'Object.prototype polluted').toEqual([]);

    // Still serving: a valid sale goes through.
    const calc = await agent.call<{ totals: { toPay: number } }>('POST', '/v1/receipts/calculate', {
      receiptId: 'after-fuzz',
      lines: saleLines,
    });
    expect(calc.status).toBe(200);
    const sale = await agent.call('POST', '/v1/sales', {
      receiptId: 'after-fuzz',
      lines: saleLines,
      payments: [{ type: 'cash', amount: calc.body.totals.toPay }],
    });
    expect(sale.status).toBe(200);
  }, 300_000);
});
