// The calendar year of an instant in a time zone (the birthday bonus is once per local year).
// One formatter per zone, reused: building an Intl.DateTimeFormat per receipt cost more than the
// rest of the ingest together.
const formatters = new Map<string, Intl.DateTimeFormat>();

export function localYear(at: Date, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' });
    // A handful of zones at most; a bound keeps a stream of odd zone names from growing it.
    if (formatters.size >= 32) formatters.clear();
    formatters.set(timeZone, format);
  }
  return Number(format.formatToParts(at).find((p) => p.type === 'year')?.value);
}
