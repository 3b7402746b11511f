import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../drivers/serial/backoff.js';
import { listPorts } from '../../../drivers/serial/list-ports.js';
import { MemoryPair } from '../../../drivers/serial/memory-pair.js';
import { type RawPortEvents, ReopeningPort } from '../../../drivers/serial/reopening-port.js';

const waitFor = async (check: () => boolean, ms = 2000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('backoffDelay', () => {
  it('doubles from the minimum up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, { minMs: 100, maxMs: 1000 }))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
});

describe('ReopeningPort', () => {
  const ports: ReopeningPort[] = [];
  afterEach(async () => {
    for (const p of ports.splice(0)) await p.stop();
  });

  /** A fake device path that can be absent, present, or yanked. */
  function fakeDevice() {
    const state = {
      present: false,
      opens: 0,
      events: null as RawPortEvents | null,
      written: [] as Buffer[],
      closed: 0,
    };
    const opener = async (events: RawPortEvents) => {
      if (!state.present) throw new Error('ENOENT');
      state.opens++;
      state.events = events;
      return {
        write: (b: Buffer) => void state.written.push(b),
        close: async () => void state.closed++,
      };
    };
    return { state, opener };
  }

  it('keeps trying with backoff until the device appears, then comes up', async () => {
    const { state, opener } = fakeDevice();
    const errors: string[] = [];
    const port = new ReopeningPort(opener, { minMs: 5, maxMs: 20, onError: (e) => errors.push(e.message) });
    ports.push(port);
    let ups = 0;
    port.onUp(() => ups++);
    port.start();
    await new Promise((r) => setTimeout(r, 40));
    expect(port.isUp).toBe(false);
    expect(port.write(Buffer.of(1))).toBe(false);
    expect(errors.length).toBeGreaterThan(1);
    state.present = true;
    await waitFor(() => port.isUp);
    expect(ups).toBe(1);
    expect(port.write(Buffer.of(7))).toBe(true);
    expect(state.written).toEqual([Buffer.of(7)]);
  });

  it('reopens after the port closes on its own (unplug) and passes data again', async () => {
    const { state, opener } = fakeDevice();
    state.present = true;
    const port = new ReopeningPort(opener, { minMs: 5, maxMs: 20 });
    ports.push(port);
    const seen: string[] = [];
    port.onDown((r) => seen.push(`down:${r.message}`));
    port.onUp(() => seen.push('up'));
    port.onData((d) => seen.push(`data:${d.toString('hex')}`));
    port.start();
    await waitFor(() => port.isUp);
    const oldEvents = state.events!;
    oldEvents.onData(Buffer.of(1));
    state.present = false;
    oldEvents.onClosed(Object.assign(new Error('disconnected'), { disconnected: true }));
    expect(port.isUp).toBe(false);
    await new Promise((r) => setTimeout(r, 30));
    state.present = true;
    await waitFor(() => port.isUp);
    oldEvents.onData(Buffer.of(9)); // a stale port must not leak data
    state.events!.onData(Buffer.of(2));
    expect(seen).toEqual(['up', 'data:01', 'down:disconnected', 'up', 'data:02']);
    expect(state.opens).toBe(2);
  });

  it('stop() closes the port and stops reopening', async () => {
    const { state, opener } = fakeDevice();
    state.present = true;
    const port = new ReopeningPort(opener, { minMs: 5, maxMs: 5 });
    port.start();
    await waitFor(() => port.isUp);
    await port.stop();
    expect(state.closed).toBe(1);
    state.events!.onClosed(new Error('late'));
    await new Promise((r) => setTimeout(r, 20));
    expect(state.opens).toBe(1);
    expect(port.isUp).toBe(false);
  });
});

describe('listPorts', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = '';
  });

  it('lists /dev/serial/by-id style links with their targets, skipping dangling ones', async () => {
    dir = await mkdtemp(join(tmpdir(), 'by-id-'));
    await writeFile(join(dir, 'ttyACM0'), '');
    await symlink(join(dir, 'ttyACM0'), join(dir, 'usb-ATOL_FPrint-30F_00123-if00'));
    await symlink(join(dir, 'gone'), join(dir, 'usb-dangling'));
    const ports = await listPorts(dir);
    expect(ports.filter((p) => p.id.startsWith('usb-'))).toEqual([
      {
        path: join(dir, 'usb-ATOL_FPrint-30F_00123-if00'),
        device: join(dir, 'ttyACM0'),
        id: 'usb-ATOL_FPrint-30F_00123-if00',
      },
    ]);
  });

  it('returns nothing when the directory does not exist (no device plugged)', async () => {
    expect(await listPorts('/nonexistent/serial/by-id')).toEqual([]);
  });
});

describe('MemoryPair', () => {
  it('carries bytes both ways, in order', async () => {
    const pair = new MemoryPair();
    pair.host.start();
    pair.device.start();
    const got: number[] = [];
    pair.device.onData((d) => got.push(...d));
    pair.host.write(Buffer.of(1, 2));
    pair.host.write(Buffer.of(3));
    await waitFor(() => got.length === 3);
    expect(got).toEqual([1, 2, 3]);
    expect(pair.bytesCarried).toBe(3);
  });

  it('takes wire time at the baud rate', async () => {
    const pair = new MemoryPair({ baudRate: 9600 });
    pair.host.start();
    pair.device.start();
    let at = 0;
    pair.device.onData(() => {
      at = performance.now();
    });
    const start = performance.now();
    pair.host.write(Buffer.alloc(96)); // 96 bytes × 10 bits / 9600 = 100 ms
    await waitFor(() => at > 0);
    expect(at - start).toBeGreaterThanOrEqual(99);
    expect(at - start).toBeLessThan(150);
  });

  it('unplug drops the link and the bytes on the wire; replug brings it back', async () => {
    const pair = new MemoryPair({ baudRate: 9600 });
    pair.host.start();
    pair.device.start();
    const events: string[] = [];
    pair.host.onDown(() => events.push('down'));
    pair.host.onUp(() => events.push('up'));
    pair.device.onData(() => events.push('data'));
    pair.host.write(Buffer.alloc(10));
    pair.unplug();
    expect(pair.host.write(Buffer.of(1))).toBe(false);
    pair.replug();
    await new Promise((r) => setTimeout(r, 30));
    expect(events).toEqual(['down', 'up']);
  });
});
