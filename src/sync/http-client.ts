// One HTTP client per cloud. Axios' `timeout` only limits socket idleness: a cloud that trickles
// bytes would hold the call for ever. Every call therefore also carries a hard deadline (an abort
// signal) so the till and the drain know the longest they can wait.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { type Classification, classify, classifyStatus } from './classify.js';
import { CloudCallError } from './errors.js';

export { type Classification, classify } from './classify.js';

export interface CloudHttpOptions {
  /** e.g. "https://cloud.example.ru"; paths below are absolute ("/v1/…"). */
  baseUrl: string;
  /** The store's key, sent as `Authorization: Bearer <key>`. */
  key: string;
  /** Socket idle timeout (axios `timeout`). Defaults to 10 s. */
  idleTimeoutMs?: number;
  userAgent?: string;
  /** Told about every call's end: the sync status ("online" = the last call succeeded) listens here. */
  onOutcome?: (outcome: CallOutcome) => void;
}

export type CallOutcome = { ok: true } | { ok: false; classification: Classification };

export interface CallOptions {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Hard limit for the whole call, connection to last byte. */
  deadlineMs: number;
  /** Cancels the call early (e.g. the agent stops). */
  signal?: AbortSignal;
  /** Statuses besides 2xx/304 that are answers, not failures (e.g. 404 on identify). */
  expect?: number[];
}

export interface CloudResponse {
  status: number;
  data: unknown;
  headers: Record<string, string | undefined>;
}

export class CloudHttp {
  private readonly axios: AxiosInstance;

  constructor(private readonly options: CloudHttpOptions) {
    this.axios = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.idleTimeoutMs ?? 10_000,
      headers: {
        Authorization: `Bearer ${options.key}`,
        Accept: 'application/json',
        'User-Agent': options.userAgent ?? 'loyalty-agent',
      },
      // The agent talks to exactly the configured cloud: no redirects, no proxies from the environment.
      maxRedirects: 0,
      proxy: false,
      responseType: 'json',
      // Status handling is ours (see call): axios must not throw on a status itself.
      validateStatus: () => true,
    });
  }

  /** Resolves with the answer, or rejects with a CloudCallError carrying the retry/fatal verdict. */
  async call(opts: CallOptions): Promise<CloudResponse> {
    const deadline = AbortSignal.timeout(opts.deadlineMs);
    const signal = opts.signal ? AbortSignal.any([deadline, opts.signal]) : deadline;
    let response: AxiosResponse<unknown>;
    try {
      response = await this.axios.request({
        method: opts.method,
        url: opts.path,
        params: opts.query,
        data: opts.body,
        headers: opts.headers,
        signal,
      });
    } catch (err) {
      const classification = deadline.aborted
        ? { verdict: 'retry' as const, reason: `no answer from the cloud within ${opts.deadlineMs} ms` }
        : classify(err);
      // A call the agent itself cancelled says nothing about the cloud.
      if (!opts.signal?.aborted || deadline.aborted) this.report({ ok: false, classification });
      throw new CloudCallError(classification, { cause: err });
    }
    const headers = plainHeaders(response.headers);
    const status = response.status;
    const answered =
      (status >= 200 && status < 300) || status === 304 || (opts.expect ?? []).includes(status);
    if (!answered) {
      const classification = classifyStatus(status, headers, response.data);
      this.report({ ok: false, classification });
      throw new CloudCallError(classification);
    }
    this.report({ ok: true });
    return { status, data: response.data, headers };
  }

  private report(outcome: CallOutcome): void {
    try {
      this.options.onOutcome?.(outcome);
    } catch {
      // A listener's failure must not turn a good answer into a failed call.
    }
  }
}

function plainHeaders(headers: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!headers || typeof headers !== 'object') return out;
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (typeof v === 'string') out[k.toLowerCase()] = v;
    else if (typeof v === 'number') out[k.toLowerCase()] = String(v);
    else if (Array.isArray(v)) out[k.toLowerCase()] = v.join(', ');
  }
  return out;
}
