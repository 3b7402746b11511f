// One HTTP client for every over-the-wire figure (the agent's routes and the bare anchor alike):
// node:http with a keep-alive agent, one request at a time, so the two differ only by the server.
import http from 'node:http';
import { msSince } from './stats.js';

export interface Timed {
  status: number;
  body: string;
  /** The round trip as this client saw it. */
  ms: number;
  /** The server's own time from its `Server-Timing: app;dur=…` header, or null without one. */
  serverMs: number | null;
}

function serverTimingMs(header: string | string[] | undefined): number | null {
  const m = /(?:^|,)\s*app;dur=([\d.]+)/.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  return m ? Number(m[1]) : null;
}

export class BenchClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null = null,
  ) {}

  request(method: string, path: string, body?: unknown): Promise<Timed> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const url = new URL(path, this.baseUrl);
    const start = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            ...(this.token && { authorization: `Bearer ${this.token}` }),
            ...(payload && { 'content-type': 'application/json', 'content-length': payload.length }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: msSince(start),
              serverMs: serverTimingMs(res.headers['server-timing']),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like request, but a status other than `expected` is an error (a benchmark must not time failures). */
  async expect(expected: number, method: string, path: string, body?: unknown): Promise<Timed> {
    const res = await this.request(method, path, body);
    if (res.status !== expected) {
      throw new Error(
        `${method} ${path} answered ${res.status}, expected ${expected}: ${res.body.slice(0, 300)}`,
      );
    }
    return res;
  }

  close(): void {
    this.agent.destroy();
  }
}
