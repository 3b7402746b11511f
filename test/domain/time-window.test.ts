import { describe, expect, it } from 'vitest';
import { birthdayWindowContains, inBirthdayWindow, localTime, parseInstant } from '../../src/domain/index.js';
import { inWindow } from '../../src/domain/time-window.js';
import { EXAMPLE_PROGRAM } from './fixtures.js';

// 01:30 on Monday in Moscow is 22:30 on Sunday in UTC.
const MONDAY_IN_MOSCOW = '2026-11-23T01:30:00+03:00';

describe('localTime', () => {
  it('reads date, weekday and minutes in the given zone', () => {
    expect(localTime(MONDAY_IN_MOSCOW, 'Europe/Moscow')).toEqual({
      date: '2026-11-23',
      weekday: 1,
      minutes: 90,
    });
    expect(localTime(MONDAY_IN_MOSCOW, 'UTC')).toEqual({
      date: '2026-11-22',
      weekday: 7,
      minutes: 22 * 60 + 30,
    });
    expect(localTime('2026-11-22T23:59:59Z', 'Asia/Vladivostok')).toEqual({
      date: '2026-11-23',
      weekday: 1,
      minutes: 9 * 60 + 59,
    });
  });
  it('shows midnight as 0 minutes, not 24:00', () => {
    expect(localTime('2026-11-22T21:00:00Z', 'Europe/Moscow').minutes).toBe(0);
  });
  it('refuses an instant without an offset and an unknown zone', () => {
    expect(() => parseInstant('2026-11-23T01:30:00')).toThrow(RangeError);
    expect(() => parseInstant('yesterday')).toThrow(RangeError);
    expect(() => localTime(MONDAY_IN_MOSCOW, 'Mars/Olympus')).toThrow(RangeError);
  });
  it('accepts fractional seconds beyond milliseconds', () => {
    expect(parseInstant('2026-11-23T01:30:00.123456+03:00')).toBe(Date.UTC(2026, 10, 22, 22, 30, 0, 123));
  });
});

describe('inWindow', () => {
  const weekdaysAfternoon = { weekdays: [1, 2, 3, 4, 5], hours: '14:00-16:00' };
  it('judges weekdays and hours in the store zone (start inclusive, end exclusive)', () => {
    const at = (iso: string, tz = 'Europe/Moscow') => inWindow(weekdaysAfternoon, localTime(iso, tz));
    expect(at('2026-11-23T14:00:00+03:00')).toBe(true);
    expect(at('2026-11-23T15:59:00+03:00')).toBe(true);
    expect(at('2026-11-23T16:00:00+03:00')).toBe(false);
    expect(at('2026-11-23T13:59:00+03:00')).toBe(false);
    expect(at('2026-11-22T14:30:00+03:00')).toBe(false); // Sunday
    // Monday 14:30 in Moscow is Monday 11:30 UTC: out of hours in UTC.
    expect(at('2026-11-23T14:30:00+03:00', 'UTC')).toBe(false);
  });
  it('judges a weekday differently in two zones for the same instant', () => {
    const mondays = { weekdays: [1] };
    expect(inWindow(mondays, localTime(MONDAY_IN_MOSCOW, 'Europe/Moscow'))).toBe(true);
    expect(inWindow(mondays, localTime(MONDAY_IN_MOSCOW, 'UTC'))).toBe(false);
  });
  it('includes both ends of a date range', () => {
    const november = { from: '2026-11-01', to: '2026-11-30' };
    expect(inWindow(november, localTime('2026-11-01T00:00:00+03:00', 'Europe/Moscow'))).toBe(true);
    expect(inWindow(november, localTime('2026-11-30T23:59:00+03:00', 'Europe/Moscow'))).toBe(true);
    expect(inWindow(november, localTime('2026-12-01T00:00:00+03:00', 'Europe/Moscow'))).toBe(false);
    // 31 Oct 22:00 UTC is already 1 Nov in Moscow.
    expect(inWindow(november, localTime('2026-10-31T22:00:00Z', 'Europe/Moscow'))).toBe(true);
    expect(inWindow(november, localTime('2026-10-31T22:00:00Z', 'UTC'))).toBe(false);
  });
  it('wraps hours across midnight', () => {
    const night = { hours: '22:00-02:00' };
    expect(inWindow(night, localTime('2026-11-23T23:00:00+03:00', 'Europe/Moscow'))).toBe(true);
    expect(inWindow(night, localTime('2026-11-23T01:59:00+03:00', 'Europe/Moscow'))).toBe(true);
    expect(inWindow(night, localTime('2026-11-23T02:00:00+03:00', 'Europe/Moscow'))).toBe(false);
  });
  it('is always open without a window', () => {
    expect(inWindow(undefined, localTime(MONDAY_IN_MOSCOW, 'UTC'))).toBe(true);
  });
});

describe('birthday window', () => {
  it('covers daysBefore and daysAfter around the birthday', () => {
    expect(birthdayWindowContains('11-25', '2026-11-22', 3, 3)).toBe(true);
    expect(birthdayWindowContains('11-25', '2026-11-21', 3, 3)).toBe(false);
    expect(birthdayWindowContains('11-25', '2026-11-28', 3, 3)).toBe(true);
    expect(birthdayWindowContains('11-25', '2026-11-29', 3, 3)).toBe(false);
  });
  it('crosses the new year both ways', () => {
    expect(birthdayWindowContains('01-01', '2026-12-30', 3, 3)).toBe(true);
    expect(birthdayWindowContains('12-30', '2027-01-02', 3, 3)).toBe(true);
    expect(birthdayWindowContains('12-30', '2027-01-03', 3, 3)).toBe(false);
  });
  it('celebrates 29 February on 28 February in non-leap years', () => {
    expect(birthdayWindowContains('02-29', '2027-02-28', 0, 0)).toBe(true);
    expect(birthdayWindowContains('02-29', '2027-03-01', 0, 0)).toBe(false);
    expect(birthdayWindowContains('02-29', '2028-02-29', 0, 0)).toBe(true);
    expect(birthdayWindowContains('02-29', '2028-02-28', 0, 0)).toBe(false);
  });
  it('ignores absent or malformed birthdays', () => {
    expect(birthdayWindowContains(undefined, '2026-11-22', 3, 3)).toBe(false);
    expect(birthdayWindowContains('13-01', '2026-11-22', 3, 3)).toBe(false);
    expect(birthdayWindowContains('02-30', '2026-02-28', 3, 3)).toBe(false);
  });
  it('judges the instant in the store zone', () => {
    // 23 Nov 22:30 UTC is already 24 Nov in Moscow: 3 days after 21 Nov only in UTC.
    expect(inBirthdayWindow(EXAMPLE_PROGRAM, '11-20', '2026-11-23T22:30:00Z', 'UTC')).toBe(true);
    expect(inBirthdayWindow(EXAMPLE_PROGRAM, '11-20', '2026-11-23T22:30:00Z', 'Europe/Moscow')).toBe(false);
    expect(inBirthdayWindow(EXAMPLE_PROGRAM, undefined, '2026-11-23T22:30:00Z', 'Europe/Moscow')).toBe(false);
  });
});
