// A TCP proxy (node:net) between an agent and the cloud that misbehaves like a bad network and an
// overloaded server: per HTTP request it may drop the connection before forwarding, delay it,
// hold the answer past the caller's deadline, reset the connection halfway through the answer
// (the cloud applied the batch, the agent never hears so), or answer raw 5xx / 429 itself.
// It frames HTTP/1.1 requests (headers + Content-Length) so each request on a keep-alive
// connection gets its own draw. Modes: `pass` (a plain proxy), `chaos`, and `refuse` (every
// connection is reset at once: a cloud that is "down" while it keeps running).
import net from 'node:net';

export type Fault = 'drop' | 'delay' | 'hold-answer' | 'reset-mid-answer' | 'http-5xx' | 'http-429';
export const FAULTS: readonly Fault[] = [
  'drop',
  'delay',
  'hold-answer',
  'reset-mid-answer',
  'http-5xx',
  'http-429',
];

export type ProxyMode = 'pass' | 'chaos' | 'refuse';

export interface ChaosProxyOptions {
  target: { host: string; port: number };
  mode?: ProxyMode;
  /** Share of requests that get a fault in `chaos` mode, or that share per route (see `routes`). */
  faultRate?: number | ((route: string) => number);
  /** Which faults to draw from (all by default). */
  faults?: readonly Fault[];
  /** Seeded randomness, so a failing run can be replayed. */
  random?: () => number;
  /** Longest `delay` of a request (ms). */
  maxDelayMs?: number;
  /** How long `hold-answer` keeps the answer back (ms): longer than the caller's deadline. */
  holdMs?: number;
}

export interface ChaosStats {
  connections: number;
  requests: number;
  faults: Record<Fault, number>;
  /** Requests and faults per route ("POST /v1/agents/:id/transactions"). */
  routes: Record<string, { requests: number; faults: number }>;
  refused: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER = 64 * 1024;

export class TcpChaosProxy {
  mode: ProxyMode;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly stats_: ChaosStats = {
    connections: 0,
    requests: 0,
    refused: 0,
    faults: Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<Fault, number>,
    routes: {},
  };
  private readonly random: () => number;
  private port_ = 0;

  private constructor(private readonly o: ChaosProxyOptions) {
    this.mode = o.mode ?? 'pass';
    this.random = o.random ?? Math.random;
    this.server = net.createServer((client) => this.onConnection(client));
  }

  static async start(o: ChaosProxyOptions): Promise<TcpChaosProxy> {
    const proxy = new TcpChaosProxy(o);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', resolve);
    });
    const address = proxy.server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy has no port');
    proxy.port_ = address.port;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port_}`;
  }

  stats(): ChaosStats {
    return structuredClone(this.stats_);
  }

  faultsInjected(): number {
    return Object.values(this.stats_.faults).reduce((a, b) => a + b, 0);
  }

  /** Switches the mode; `refuse` also cuts the connections already open (kept-alive ones too). */
  setMode(mode: ProxyMode): void {
    this.mode = mode;
    if (mode === 'refuse') for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // A reset or a destroyed peer is what this proxy is for: never let it crash the test.
    socket.on('error', () => undefined);
  }

  private onConnection(client: net.Socket): void {
    this.track(client);
    if (this.mode === 'refuse') {
      this.stats_.refused += 1;
      client.resetAndDestroy();
      return;
    }
    this.stats_.connections += 1;
    let upstream: net.Socket | null = null;
    let buffered = Buffer.alloc(0);
    /** What happens to the answer of the request just forwarded. */
    let answerFault: 'hold-answer' | 'reset-mid-answer' | null = null;
    let held: Buffer[] = [];

    const closeBoth = () => {
      client.destroy();
      upstream?.destroy();
    };
    const connectUpstream = (): net.Socket => {
      if (upstream && !upstream.destroyed) return upstream;
      const up = net.connect(this.o.target.port, this.o.target.host);
      this.track(up);
      up.on('data', (chunk: Buffer) => {
        if (answerFault === 'reset-mid-answer') {
          answerFault = null;
          client.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))), () =>
            client.resetAndDestroy(),
          );
          up.destroy();
          return;
        }
        if (answerFault === 'hold-answer') {
          if (held.length === 0) {
            setTimeout(() => {
              answerFault = null;
              const out = Buffer.concat(held);
              held = [];
              if (!client.destroyed) client.write(out);
            }, this.o.holdMs ?? 2500);
          }
          held.push(chunk);
          return;
        }
        client.write(chunk);
      });
      up.once('end', () => {
        if (held.length === 0) client.end();
      });
      up.once('close', () => {
        if (held.length === 0) client.destroy();
      });
      upstream = up;
      return up;
    };
    const forward = (request: Buffer) => {
      if (client.destroyed) return;
      connectUpstream().write(request);
    };

    client.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const request = takeRequest(buffered);
        if (request === 'incomplete') return;
        if (request === 'bad') {
          closeBoth();
          return;
        }
        buffered = buffered.subarray(request.length);
        this.stats_.requests += 1;
        const name = routeOf(request);
        const fault = this.draw(name);
        const route = this.stats_.routes[name] ?? { requests: 0, faults: 0 };
        this.stats_.routes[name] = route;
        route.requests += 1;
        if (fault) {
          this.stats_.faults[fault] += 1;
          route.faults += 1;
        }
        switch (fault) {
          case null:
            forward(request);
            break;
          case 'drop':
            closeBoth();
            return;
          case 'delay':
            setTimeout(
              () => forward(request),
              50 + Math.floor(this.random() * ((this.o.maxDelayMs ?? 600) - 50)),
            );
            break;
          case 'hold-answer':
          case 'reset-mid-answer':
            answerFault = fault;
            forward(request);
            break;
          case 'http-5xx': {
            const status = [500, 502, 503, 504][Math.floor(this.random() * 4)]!;
            client.end(rawAnswer(status, 'Server Error', {}));
            upstream?.destroy();
            return;
          }
          case 'http-429':
            client.end(
              rawAnswer(429, 'Too Many Requests', { 'Retry-After': this.random() < 0.5 ? '0' : '1' }),
            );
            upstream?.destroy();
            return;
        }
      }
    });
    client.once('close', () => upstream?.destroy());
  }

  private draw(route: string): Fault | null {
    if (this.mode !== 'chaos') return null;
    const rate = typeof this.o.faultRate === 'function' ? this.o.faultRate(route) : (this.o.faultRate ?? 0.2);
    if (this.random() >= rate) return null;
    const faults = this.o.faults ?? FAULTS;
    return faults[Math.floor(this.random() * faults.length)]!;
  }
}

/** One whole request at the head of `buf` (headers and Content-Length body), or why not. */
function takeRequest(buf: Buffer): Buffer | 'incomplete' | 'bad' {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return buf.length > MAX_HEADER ? 'bad' : 'incomplete';
  const head = buf.subarray(0, end).toString('latin1');
  // The agent's client sends a Content-Length; a chunked body is not something this proxy frames.
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return 'bad';
  const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const total = end + HEADER_END.length + (match ? Number(match[1]) : 0);
  return buf.length < total ? 'incomplete' : buf.subarray(0, total);
}

/** "POST /v1/agents/:id/transactions": the request line without query and agent id. */
function routeOf(request: Buffer): string {
  const line = request.subarray(0, Math.min(request.length, 300)).toString('latin1').split('\r\n')[0] ?? '';
  const [method = '?', target = '?'] = line.split(' ');
  return `${method} ${target.split('?')[0]!.replace(/^\/v1\/agents\/[^/]+/, '/v1/agents/:id')}`;
}

function rawAnswer(status: number, text: string, headers: Record<string, string>): string {
  const body = JSON.stringify({ error: { code: 'CHAOS', message: `injected ${status}` } });
  const lines = [
    `HTTP/1.1 ${status} ${text}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Small seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
