import { describe, expect, it } from 'vitest';
import { localDate, localYear, parseBound, startOfLocalDay } from '../../src/cloud/time.js';

describe('cloud calendar in the store zone', () => {
  it('gives the local date of an instant, per zone, whatever zone was asked before', () => {
    const late = new Date('2026-11-23T22:30:00Z');
    expect(localDate(late, 'Europe/Moscow')).toBe('2026-11-24');
    expect(localDate(late, 'Europe/Kaliningrad')).toBe('2026-11-24');
    expect(localDate(late, 'UTC')).toBe('2026-11-23');
    expect(localDate(late, 'Asia/Vladivostok')).toBe('2026-11-24');
    expect(localDate(late, 'America/New_York')).toBe('2026-11-23');
  });

  it("gives the local year, which turns at the zone's midnight", () => {
    const newYearInMoscow = new Date('2026-12-31T21:30:00Z');
    expect(localYear(newYearInMoscow, 'Europe/Moscow')).toBe(2027);
    expect(localYear(newYearInMoscow, 'UTC')).toBe(2026);
  });

  it('finds where a local day starts, across a DST change too', () => {
    expect(startOfLocalDay('2026-11-24', 'Europe/Moscow').toISOString()).toBe('2026-11-23T21:00:00.000Z');
    expect(startOfLocalDay('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfLocalDay('2026-03-30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('reads query bounds: local dates (a "to" date includes its day), instants, or nothing', () => {
    expect(parseBound('2026-11-23', 'Europe/Moscow', 'from')?.toISOString()).toBe('2026-11-22T21:00:00.000Z');
    expect(parseBound('2026-11-23', 'Europe/Moscow', 'to')?.toISOString()).toBe('2026-11-23T21:00:00.000Z');
    expect(parseBound('2026-11-23T10:00:00Z', 'Europe/Moscow', 'from')?.toISOString()).toBe(
      '2026-11-23T10:00:00.000Z',
    );
    expect(parseBound('yesterday', 'Europe/Moscow', 'from')).toBeNull();
    expect(parseBound('2026-13-45T00:00:00Z', 'Europe/Moscow', 'from')).toBeNull();
  });
});
