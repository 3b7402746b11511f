// A scriptable central cloud on 127.0.0.1:0. By default it behaves like the real one: it applies
// each transaction id once (a repeat answers `duplicate`), records the order it applied them in,
// and serves customers and the program. Tests override any route to inject faults.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { CachedCustomer, Tx, TxResult, TxStatus } from '../../../src/protocol/sync.js';

export const AGENT_ID = 'store-1-till-1';
export const KEY = 'store-key';

export type Route =
  | 'transactions'
  | 'customers'
  | 'program'
  | 'heartbeat'
  | 'identify'
  | 'holds'
  | 'codes'
  | 'verify'
  | 'coupons'
  | 'releaseHold';

/** Returns undefined to let the default behaviour answer. */
export type Script = (req: FastifyRequest, reply: FastifyReply, call: number) => unknown;

export interface CallRecord {
  route: Route;
  at: number;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
  body: unknown;
}

export class FakeCloud {
  readonly app: FastifyInstance;
  url = '';
  /** Transactions applied, once each, in the order they were applied. */
  readonly applied: Tx[] = [];
  /** How many times each id arrived. */
  readonly arrivals = new Map<string, number>();
  readonly calls: CallRecord[] = [];
  /** Per-transaction answer (default: accepted, or duplicate for a repeat). */
  statusFor: (tx: Tx) => TxStatus | undefined = () => undefined;
  /** Balances returned with results, by customer id. */
  readonly balances = new Map<string, { available: number; pending: number }>();
  customers: CachedCustomer[] = [];
  program: Record<string, unknown> = { version: 'p1' };
  programEtag = '"p1"';
  private readonly scripts = new Map<Route, Script>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor() {
    this.app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 50 * 1024 * 1024 });
    this.app.addHook('onRequest', async (req, reply) => {
      if (req.headers.authorization !== `Bearer ${KEY}`)
        return reply.status(401).send({ code: 'UNAUTHORIZED' });
    });
    const route =
      (name: Route, run: (req: FastifyRequest, reply: FastifyReply) => unknown) =>
      async (req: FastifyRequest, reply: FastifyReply) => {
        const n = this.calls.filter((c) => c.route === name).length;
        this.calls.push({
          route: name,
          at: Date.now(),
          headers: req.headers,
          query: req.query as Record<string, string>,
          body: req.body,
        });
        const script = this.scripts.get(name);
        if (script) {
          const out = await script(req, reply, n);
          if (out !== undefined || reply.sent) return out;
        }
        return run(req, reply);
      };
    const base = `/v1/agents/${AGENT_ID}`;
    this.app.post(
      `${base}/transactions`,
      route('transactions', (req) => this.ingest(req.body)),
    );
    this.app.get(
      `${base}/customers`,
      route('customers', (req) => this.page(req.query as Record<string, string>)),
    );
    this.app.get(
      `${base}/program`,
      route('program', (req, reply) => {
        if (req.headers['if-none-match'] === this.programEtag) return reply.status(304).send();
        return reply.header('etag', this.programEtag).send(this.program);
      }),
    );
    this.app.post(
      `${base}/heartbeat`,
      route('heartbeat', () => ({ ok: true })),
    );
    this.app.post(
      '/v1/identify',
      route('identify', (_req, reply) => reply.status(404).send({ code: 'NOT_FOUND' })),
    );
    this.app.post(
      '/v1/holds',
      route('holds', (req) => ({
        holdId: (req.body as { holdId: string }).holdId,
        expiresAt: '2030-01-01T00:00:00Z',
      })),
    );
    this.app.delete(
      '/v1/holds/:holdId',
      route('releaseHold', () => ({ ok: true })),
    );
    this.app.post(
      '/v1/codes',
      route('codes', (_req, reply) => reply.status(202).send({ ok: true })),
    );
    this.app.post(
      '/v1/codes/verify',
      route('verify', () => ({ ok: true })),
    );
    this.app.post(
      '/v1/coupons/check',
      route('coupons', () => ({ coupons: [] })),
    );
  }

  static async start(): Promise<FakeCloud> {
    const cloud = new FakeCloud();
    await cloud.app.listen({ host: '127.0.0.1', port: 0 });
    const address = cloud.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    cloud.url = `http://127.0.0.1:${address.port}`;
    return cloud;
  }

  script(route: Route, fn: Script | undefined): void {
    if (fn) this.scripts.set(route, fn);
    else this.scripts.delete(route);
  }

  callsTo(route: Route): CallRecord[] {
    return this.calls.filter((c) => c.route === route);
  }

  /** Never answers, but keeps the socket busy (a byte every 50 ms) so an idle timeout never fires. */
  trickle(reply: FastifyReply): FastifyReply {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'application/json' });
    reply.raw.write('{"results":');
    const timer = setInterval(() => reply.raw.write(' '), 50);
    this.timers.add(timer);
    reply.raw.on('close', () => {
      clearInterval(timer);
      this.timers.delete(timer);
    });
    return reply;
  }

  /** Drops the connection without an answer (mid-response: headers and half a body sent). */
  breakConnection(reply: FastifyReply, midResponse = true): FastifyReply {
    reply.hijack();
    if (midResponse) {
      reply.raw.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      reply.raw.write('{"results":[');
    }
    reply.raw.socket?.destroy();
    return reply;
  }

  /** The default ingest: each id applied once, in arrival order. */
  ingest(body: unknown): { results: TxResult[] } {
    const txs = (body as { transactions: Tx[] }).transactions;
    const results = txs.map((tx): TxResult => {
      this.arrivals.set(tx.id, (this.arrivals.get(tx.id) ?? 0) + 1);
      const scripted = this.statusFor(tx);
      if (scripted === 'retry') return { id: tx.id, status: 'retry', reason: 'sale not here yet' };
      if (scripted === 'rejected') return { id: tx.id, status: 'rejected', reason: 'TX_INVALID' };
      const seen = this.applied.some((a) => a.id === tx.id);
      if (!seen) this.applied.push(tx);
      const customerId = tx.customer.id;
      const balance = customerId ? this.balances.get(customerId) : undefined;
      const result: TxResult = { id: tx.id, status: seen ? 'duplicate' : 'accepted' };
      if (customerId && balance) result.customer = { id: customerId, balance };
      return result;
    });
    return { results };
  }

  /** Customers changed since the cursor (an index into the list), `limit` per page. */
  page(query: Record<string, string>): { customers: CachedCustomer[]; cursor: string; more: boolean } {
    const from = query.cursor ? Number(query.cursor) : 0;
    const limit = Number(query.limit ?? 100);
    const customers = this.customers.slice(from, from + limit);
    const next = from + customers.length;
    return { customers, cursor: String(next), more: next < this.customers.length };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    await this.app.close();
  }
}
