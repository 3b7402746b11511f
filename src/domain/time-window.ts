// Local calendar time of an instant in the store's IANA time zone, and promotion windows judged
// on it. Intl does the zone arithmetic, so the result depends only on the inputs (never on the
// machine's zone or clock).
import type { PromotionWindow } from './types.js';

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)\d*(Z|[+-]\d{2}:\d{2})$/i;
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Milliseconds of an ISO-8601 instant that names its offset ("…Z" or "…+03:00"); throws RangeError. */
export function parseInstant(at: string): number {
  // An instant without an offset would be read in the machine's zone: refuse it.
  const m = typeof at === 'string' ? INSTANT.exec(at) : null;
  const ms = m ? Date.parse(`${m[1]}${m[2]}`) : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`"${String(at)}" is not an ISO-8601 instant with an offset`);
  return ms;
}

/**
 * Formatters by time zone. The single piece of module state in the core, and a deliberate one:
 * building an Intl.DateTimeFormat costs ~100 µs with multi-millisecond GC spikes, reusing one
 * costs ~5 µs. A formatter is immutable, so the memo can never change a result.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 32;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(timeZone, format);
  }
  return format;
}

/** Throws RangeError for a zone Intl does not know. */
export function localTime(at: string, timeZone: string): LocalTime {
  const ms = parseInstant(at);
  const format = formatterFor(timeZone);
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(ms)) parts[p.type] = p.value;
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    weekday: WEEKDAYS[parts['weekday'] ?? ''] ?? 0,
    minutes: Number(parts['hour']) * 60 + Number(parts['minute']),
  };
}

/** Days since 1970-01-01 of a valid YYYY-MM-DD date, or null. */
export function dayNumber(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / 86_400_000;
}

/** "14:00-16:00" → minutes [840, 960); null when malformed or empty. End ≤ start wraps midnight. */
export function parseHours(hours: string): { start: number; end: number } | null {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(hours);
  if (!m) return null;
  const [h1, m1, h2, m2] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (h1 > 23 || m1 > 59 || m2 > 59 || h2 > 24 || (h2 === 24 && m2 !== 0)) return null;
  const start = h1 * 60 + m1;
  const end = h2 * 60 + m2;
  if (start === end) return null;
  return { start, end };
}

/** Whether a local time falls in a promotion window (absent fields do not restrict). */
export function inWindow(window: PromotionWindow | undefined, local: LocalTime): boolean {
  if (!window) return true;
  if (window.from !== undefined && local.date < window.from) return false;
  if (window.to !== undefined && local.date > window.to) return false;
  if (window.weekdays !== undefined && !window.weekdays.includes(local.weekday)) return false;
  if (window.hours !== undefined) {
    const h = parseHours(window.hours);
    if (!h) return false;
    const inside =
      h.start < h.end
        ? local.minutes >= h.start && local.minutes < h.end
        : local.minutes >= h.start || local.minutes < h.end;
    if (!inside) return false;
  }
  return true;
}
