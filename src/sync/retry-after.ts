// `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP date. The cloud sends it with
// 429/503 to say when the next attempt is welcome; the agent waits at least that long.

/** Milliseconds to wait, or undefined when the header is absent or unreadable. Never negative. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only the HTTP-date forms carry letters (a weekday or a month); a bare "-5" or "1.5" is invalid.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
