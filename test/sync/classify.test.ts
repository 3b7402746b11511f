import { AxiosError, type AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { classify, classifyStatus } from '../../src/sync/classify.js';
import { CloudCallError, CloudProtocolError } from '../../src/sync/errors.js';
import { parseRetryAfter } from '../../src/sync/retry-after.js';

function withStatus(status: number, headers: Record<string, string> = {}, data: unknown = {}): AxiosError {
  const response = { status, statusText: '', headers, data, config: {} } as unknown as AxiosResponse;
  return new AxiosError(`HTTP ${status}`, 'ERR_BAD_RESPONSE', undefined, undefined, response);
}

function withCode(code: string): Error {
  return Object.assign(new Error(`socket ${code}`), { code });
}

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-02T10:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Mon, 02 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Mon, 02 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores what is absent or unreadable', () => {
    for (const bad of [undefined, null, '', '-5', '1.5', 'soon', 'abc, 99 Foo', 42]) {
      expect(parseRetryAfter(bad, now)).toBeUndefined();
    }
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
  });
});

describe('classify', () => {
  const table: [string, unknown, 'retry' | 'fatal'][] = [
    ['500', withStatus(500), 'retry'],
    ['502', withStatus(502), 'retry'],
    ['503', withStatus(503), 'retry'],
    ['408', withStatus(408), 'retry'],
    ['429', withStatus(429), 'retry'],
    ['400', withStatus(400), 'fatal'],
    ['401', withStatus(401), 'fatal'],
    ['403', withStatus(403), 'fatal'],
    ['404', withStatus(404), 'fatal'],
    ['409', withStatus(409), 'fatal'],
    ['413', withStatus(413), 'fatal'],
    ['422', withStatus(422), 'fatal'],
    ['connection reset (axios)', new AxiosError('reset', 'ECONNRESET'), 'retry'],
    ['connection refused (axios)', new AxiosError('refused', 'ECONNREFUSED'), 'retry'],
    ['idle timeout (axios)', new AxiosError('timeout', 'ECONNABORTED'), 'retry'],
    ['timeout (axios, clarified)', new AxiosError('timeout', 'ETIMEDOUT'), 'retry'],
    ['network error (axios)', new AxiosError('net', 'ERR_NETWORK'), 'retry'],
    ['aborted (axios)', new AxiosError('canceled', 'ERR_CANCELED'), 'retry'],
    ['bad URL (axios)', new AxiosError('bad', 'ERR_INVALID_URL'), 'fatal'],
    ['plain reset', withCode('ECONNRESET'), 'retry'],
    ['plain DNS failure', withCode('EAI_AGAIN'), 'retry'],
    ['deadline (AbortSignal.timeout)', new DOMException('timed out', 'TimeoutError'), 'retry'],
    ['abort', new DOMException('aborted', 'AbortError'), 'retry'],
    ['malformed answer', new CloudProtocolError('bad shape'), 'fatal'],
    ['a bug', new TypeError('x is not a function'), 'fatal'],
    ['a non-error', 'boom', 'fatal'],
  ];
  it.each(table)('%s → %s', (_name, err, verdict) => {
    expect(classify(err).verdict).toBe(verdict);
  });

  it('carries the status and the Retry-After of a 429/503', () => {
    const c = classify(withStatus(429, { 'retry-after': '7' }));
    expect(c).toMatchObject({ verdict: 'retry', status: 429, retryAfterMs: 7000 });
    expect(classify(withStatus(503, { 'Retry-After': '2' })).retryAfterMs).toBe(2000);
    expect(classify(withStatus(500)).retryAfterMs).toBeUndefined();
  });

  it('names the error code of the body but nothing else from it', () => {
    const c = classifyStatus(400, {}, { code: 'TX_INVALID', message: 'phone +79991234567 wrong' });
    expect(c.reason).toContain('TX_INVALID');
    expect(c.reason).not.toContain('+7999');
    expect(classifyStatus(401, {}, { error: { code: 'UNAUTHORIZED' } }).reason).toContain('UNAUTHORIZED');
    expect(classifyStatus(400, {}, { code: 'has spaces and +79991234567' }).reason).not.toContain('+7999');
  });

  it('passes through the verdict a CloudCallError already carries', () => {
    const err = new CloudCallError({ verdict: 'fatal', reason: 'nope', status: 401 });
    expect(classify(err)).toEqual({ verdict: 'fatal', reason: 'nope', status: 401 });
  });
});
