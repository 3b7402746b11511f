// JSON over HTTP for the tests: the agent's till API and the cloud's API, with a bearer token and a
// deadline, so a hung server fails the test instead of hanging it.

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

export async function httpJson<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  route: string,
  opts: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<JsonAnswer<T>> {
  const res = await fetch(baseUrl + route, {
    method,
    headers: {
      ...(opts.token !== undefined && { authorization: `Bearer ${opts.token}` }),
      ...(opts.body !== undefined && { 'content-type': 'application/json' }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test sees the text
  }
  return { status: res.status, body: body as T };
}

/** Polls `probe` until it returns a value that is not undefined, or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 100));
  }
}
