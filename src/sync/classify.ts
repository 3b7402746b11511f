// Is a failed call worth repeating? Transport trouble and an overloaded cloud pass, so they are
// retried with backoff; a refusal (bad key, bad request) will not pass by itself, so looping on it
// would only hammer the cloud — it is reported and left for the next scheduled run or a human.
import { AxiosError } from 'axios';
import type { Classification } from './classification.js';
import { CloudCallError, CloudProtocolError } from './errors.js';
import { parseRetryAfter } from './retry-after.js';

export type { Classification, Verdict } from './classification.js';

/** Socket-level failures: the request may or may not have arrived, so the batch is simply sent again. */
const TRANSPORT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Axios codes that name a mistake in the request itself: repeating it cannot help. */
const CONFIG_CODES = new Set([
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  'ERR_DEPRECATED',
  'ERR_FR_TOO_MANY_REDIRECTS',
]);

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** Classifies an HTTP answer the caller did not expect. */
export function classifyStatus(
  status: number,
  headers?: Record<string, unknown>,
  body?: unknown,
): Classification {
  const code = errorCodeOf(body);
  const reason = `the cloud answered HTTP ${status}${code ? ` ${code}` : ''}`;
  if (isRetryableStatus(status)) {
    const retryAfterMs = parseRetryAfter(headers?.['retry-after']);
    return retryAfterMs === undefined
      ? { verdict: 'retry', reason, status }
      : { verdict: 'retry', reason, status, retryAfterMs };
  }
  return { verdict: 'fatal', reason, status };
}

export function classify(err: unknown): Classification {
  if (err instanceof CloudCallError) return err.classification;
  if (err instanceof CloudProtocolError) return { verdict: 'fatal', reason: err.message };
  if (err instanceof AxiosError) {
    if (err.response) {
      return classifyStatus(err.response.status, headersOf(err.response.headers), err.response.data);
    }
    if (err.code === AxiosError.ERR_CANCELED) return { verdict: 'retry', reason: 'the call was aborted' };
    if (err.code && CONFIG_CODES.has(err.code)) {
      return { verdict: 'fatal', reason: `the request could not be made (${err.code})` };
    }
    // Anything else without a response is the network or the socket: worth another try.
    return { verdict: 'retry', reason: `no answer from the cloud (${err.code ?? err.message})` };
  }
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return { verdict: 'retry', reason: 'the call passed its deadline' };
    if (err.name === 'AbortError' || err.name === 'CanceledError') {
      return { verdict: 'retry', reason: 'the call was aborted' };
    }
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSPORT_CODES.has(code)) {
      return { verdict: 'retry', reason: `no answer from the cloud (${code})` };
    }
    return { verdict: 'fatal', reason: err.message };
  }
  return { verdict: 'fatal', reason: String(err) };
}

/** The error code a JSON error body names (`{"code"}` or `{"error": {"code"}}`), if short and plain. */
function errorCodeOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { code?: unknown; error?: unknown };
  const nested = b.error && typeof b.error === 'object' ? (b.error as { code?: unknown }).code : undefined;
  const code = typeof b.code === 'string' ? b.code : typeof nested === 'string' ? nested : b.error;
  return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : undefined;
}

function headersOf(headers: unknown): Record<string, unknown> {
  if (!headers || typeof headers !== 'object') return {};
  // AxiosHeaders keeps names lower-cased; a plain object from a custom adapter may not.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) out[k.toLowerCase()] = v;
  return out;
}
