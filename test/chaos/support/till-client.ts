// A till talking to the agent over HTTP: one token, a short timeout (a killed agent must not hang
// the test), JSON in and out. A connection failure rejects; any HTTP status resolves.
export interface TillReply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export class TillClient {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    route: string,
    body?: unknown,
    timeoutMs = 10_000,
  ): Promise<TillReply<T>> {
    const res = await fetch(this.url + route, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (metrics)
    }
    return { status: res.status, body: parsed as T };
  }
}

export const saleLines = [
  { lineId: '1', sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 3, category: 'dairy' },
  { lineId: '2', sku: 'CHEESE', name: 'Сыр', price: 129900, qty: 0.455, category: 'dairy' },
  { lineId: '3', sku: 'BREAD', name: 'Хлеб', price: 4550, qty: 1 },
];

/** Polls until `check` holds (or throws after `timeoutMs`). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await probe();
      if (check(last)) return last;
    } catch {
      // not reachable yet
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
