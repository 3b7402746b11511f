import { describe, expect, it } from 'vitest';
import { ScanHub } from '../../../drivers/scanner/hub.js';
import type { Scan } from '../../../drivers/scanner/scan.js';

const card: Scan = { raw: '4600000000019', kind: 'card', value: '4600000000019' };

describe('ScanHub', () => {
  it('delivers a scan only to the subscribers of its till', () => {
    const hub = new ScanHub();
    const a: Scan[] = [];
    const b: Scan[] = [];
    hub.subscribe('till-1', (s) => a.push(s));
    hub.subscribe('till-2', (s) => b.push(s));
    expect(hub.publish('till-1', card)).toBe(1);
    expect(a).toEqual([card]);
    expect(b).toEqual([]);
    expect(hub.publish('till-9', card)).toBe(0);
  });

  it('stops delivering after unsubscribe and forgets empty tills', () => {
    const hub = new ScanHub();
    const got: Scan[] = [];
    const off = hub.subscribe('till-1', (s) => got.push(s));
    expect(hub.subscriberCount('till-1')).toBe(1);
    off();
    off();
    expect(hub.subscriberCount('till-1')).toBe(0);
    expect(hub.publish('till-1', card)).toBe(0);
    expect(got).toEqual([]);
  });

  it('a throwing subscriber does not keep the scan from the others', () => {
    const errors: unknown[] = [];
    const hub = new ScanHub((err) => errors.push(err));
    const got: Scan[] = [];
    hub.subscribe('till-1', () => {
      throw new Error('page gone');
    });
    hub.subscribe('till-1', (s) => got.push(s));
    expect(hub.publish('till-1', card)).toBe(1);
    expect(got).toEqual([card]);
    expect(errors).toHaveLength(1);
  });

  it('a subscriber may unsubscribe itself while being called', () => {
    const hub = new ScanHub();
    let calls = 0;
    const off = hub.subscribe('till-1', () => {
      calls++;
      off();
    });
    hub.publish('till-1', card);
    hub.publish('till-1', card);
    expect(calls).toBe(1);
  });
});
