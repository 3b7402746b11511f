// The page's only door to the agent: JSON over fetch with the till's Bearer token. Every failure
// becomes an ApiError carrying the API's own {code, message} so the page can show the human text.

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {unknown} [details]
   */
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    /** HTTP status; 0 when the agent could not be reached at all. */
    this.status = status;
    this.code = code;
    /** @type {unknown} */
    this.details = details;
  }
}

/**
 * The agent's API as the page calls it. `T` is what the caller expects back (the agent's
 * schemas are the contract; the page does not re-validate them).
 * @typedef {object} Api
 * @property {<T = unknown>(path: string) => Promise<T>} get
 * @property {<T = unknown>(path: string, body?: unknown) => Promise<T>} post
 */

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The error object of POS-API.md: {"error": {"code", "message", "details"?}}.
 * @param {number} status
 * @param {unknown} body
 */
function errorFromBody(status, body) {
  /** @type {{ code?: unknown, message?: unknown, details?: unknown } | undefined} */
  const e =
    body && typeof body === 'object' && 'error' in body && body.error && typeof body.error === 'object'
      ? body.error
      : undefined;
  if (e && typeof e.message === 'string') {
    return new ApiError(status, typeof e.code === 'string' ? e.code : `HTTP_${status}`, e.message, e.details);
  }
  return new ApiError(status, `HTTP_${status}`, `Агент ответил ошибкой (HTTP ${status}).`);
}

/**
 * @param {Response} response
 * @returns {Promise<unknown>}
 */
async function readJson(response) {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * @param {{getToken: () => string | null, baseUrl?: string, timeoutMs?: number, fetchImpl?: typeof fetch}} options
 * @returns {Api}
 */
export function createApi({ getToken, baseUrl = '', timeoutMs = DEFAULT_TIMEOUT_MS, fetchImpl }) {
  /** @type {typeof fetch} */
  const doFetch = fetchImpl ?? ((input, init) => fetch(input, init));

  /**
   * @param {'GET' | 'POST'} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<any>} the caller's `T` (see Api)
   */
  async function request(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { Accept: 'application/json' };
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response;
    try {
      response = await doFetch(baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        cache: 'no-store',
      });
    } catch (err) {
      if (controller.signal.aborted) {
        throw new ApiError(0, 'AGENT_TIMEOUT', 'Агент не ответил вовремя. Повторите операцию.');
      }
      throw new ApiError(
        0,
        'AGENT_UNREACHABLE',
        'Нет связи с агентом лояльности. Проверьте, что он запущен.',
        {
          cause: String(err),
        },
      );
    } finally {
      clearTimeout(timer);
    }
    const parsed = await readJson(response);
    if (!response.ok) throw errorFromBody(response.status, parsed);
    return parsed;
  }

  return {
    get: (path) => request('GET', path),
    post: (path, body = {}) => request('POST', path, body),
  };
}
