// Calendar arithmetic in the store's time zone (Intl only; no extra packages).

export type Clock = () => Date;

export const DAY_MS = 86_400_000;

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

/**
 * Formatters by zone and purpose, reused: building an Intl.DateTimeFormat costs far more than
 * using one (ingest calls these per receipt). A formatter is immutable, so the memo never changes
 * a result; the bound keeps a stream of odd zone names from growing it.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string, purpose: 'year' | 'date' | 'instant'): Intl.DateTimeFormat {
  const key = `${purpose} ${tz}`;
  let format = formatters.get(key);
  if (!format) {
    format =
      purpose === 'date'
        ? new Intl.DateTimeFormat('en-CA', {
            timeZone: tz,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
          })
        : new Intl.DateTimeFormat('en-US', {
            timeZone: tz,
            hourCycle: 'h23',
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
          });
    if (formatters.size >= 64) formatters.clear();
    formatters.set(key, format);
  }
  return format;
}

/** The calendar year of an instant in `tz` (the birthday bonus is once per local year). */
export function localYear(d: Date, tz: string): number {
  return Number(
    formatterFor(tz, 'year')
      .formatToParts(d)
      .find((p) => p.type === 'year')?.value,
  );
}

/** Local "YYYY-MM-DD" of an instant in `tz`. */
export function localDate(d: Date, tz: string): string {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(tz, 'date').formatToParts(d)) parts[p.type] = p.value;
  return `${parts['year']}-${parts['month']}-${parts['day']}`;
}

/** The instant a local calendar day "YYYY-MM-DD" starts in `tz`. */
export function startOfLocalDay(date: string, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  // Two passes settle the offset even when the day starts near a DST change.
  let guess = utcMidnight - offsetMs(new Date(utcMidnight), tz);
  guess = utcMidnight - offsetMs(new Date(guess), tz);
  return new Date(guess);
}

function offsetMs(d: Date, tz: string): number {
  const p = Object.fromEntries(
    formatterFor(tz, 'instant')
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return asUtc - Math.floor(d.getTime() / 1000) * 1000;
}

/**
 * A query bound: an ISO instant, or a local date in `tz` ("to" dates include their whole day).
 * Returns null when the text is neither.
 */
export function parseBound(text: string, tz: string, edge: 'from' | 'to'): Date | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = startOfLocalDay(text, tz);
    if (Number.isNaN(start.getTime())) return null;
    return edge === 'from' ? start : startOfLocalDay(localDate(addDays(start, 1.5), tz), tz);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}
