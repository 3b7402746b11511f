// The birthday window: from `daysBefore` days before the birthday to `daysAfter` days after it,
// in the store's local calendar, across year ends. A 29 February birthday is celebrated on
// 28 February in non-leap years.
import { dayNumber, localTime } from './time-window.js';
import type { Program } from './types.js';

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** "MM-DD" → [month, day] when it names a day of some year (02-29 included), else null. */
export function parseBirthday(birthday: string): [number, number] | null {
  const m = /^(\d{2})-(\d{2})$/.exec(birthday);
  if (!m) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  if (month < 1 || month > 12 || day < 1) return null;
  const longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= longest ? [month, day] : null;
}

function birthdayIn(year: number, month: number, day: number): number {
  const d = month === 2 && day === 29 && !isLeap(year) ? 28 : day;
  return Date.UTC(year, month - 1, d) / 86_400_000;
}

/**
 * The window around the birthday of `year`, as local day numbers (days since 1970-01-01): the
 * first and the last day in it; null when `birthday` is not a day of any year.
 */
export function birthdayWindowDays(
  birthday: string,
  year: number,
  daysBefore: number,
  daysAfter: number,
): [number, number] | null {
  const md = parseBirthday(birthday);
  if (!md) return null;
  const b = birthdayIn(year, md[0], md[1]);
  return [b - daysBefore, b + daysAfter];
}

/** Whether the local date `date` (YYYY-MM-DD) is within the window around `birthday` ("MM-DD"). */
export function birthdayWindowContains(
  birthday: string | undefined,
  date: string,
  daysBefore: number,
  daysAfter: number,
): boolean {
  if (birthday === undefined) return false;
  const md = parseBirthday(birthday);
  const today = dayNumber(date);
  if (!md || today === null) return false;
  const year = Number(date.slice(0, 4));
  // The nearest birthday may fall in the previous or the next year (late December / early January).
  return [year - 1, year, year + 1].some((y) => {
    const b = birthdayIn(y, md[0], md[1]);
    return today >= b - daysBefore && today <= b + daysAfter;
  });
}

/** Whether the instant `atIso` (judged in `timezone`) is within the customer's birthday window. */
export function inBirthdayWindow(
  program: Program,
  birthday: string | undefined,
  atIso: string,
  timezone: string,
): boolean {
  if (birthday === undefined) return false;
  const { daysBefore, daysAfter } = program.birthday;
  return birthdayWindowContains(birthday, localTime(atIso, timezone).date, daysBefore, daysAfter);
}
