import { PassThrough, type Readable } from 'node:stream';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import type { Scan } from '../../../drivers/scanner/scan.js';
import { type ScannerState, SerialScanner, type UnrecognizedScan } from '../../../drivers/scanner/scanner.js';
import { streamLink } from '../../../drivers/scanner/stream-link.js';
import { VirtualScanner } from '../../../drivers/scanner/virtual.js';
import { MemoryPair } from '../../../drivers/serial/memory-pair.js';
import { scanClassifier } from '../../../src/http/scans/classify.js';

/** Resolves with the next event of the given name (or rejects after a short while). */
function next<T>(scanner: SerialScanner, event: 'scan' | 'unrecognized' | 'state', ms = 2000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    scanner.once(event, (value: unknown) => {
      clearTimeout(timer);
      resolve(value as T);
    });
  });
}

const scanners: SerialScanner[] = [];
function track(scanner: SerialScanner): SerialScanner {
  scanners.push(scanner);
  return scanner;
}

afterEach(async () => {
  for (const s of scanners.splice(0)) await s.stop();
  SerialPortMock.binding.reset();
});

/** The agent's classifier (domain rules): the driver only frames and hands codes to it. */
const classify = scanClassifier();

describe('SerialScanner', () => {
  /** A scanner on the host end of an in-memory cable; the virtual device writes on the other end. */
  function onCable(interByteTimeoutMs = 20) {
    const pair = new MemoryPair();
    pair.device.start();
    const scanner = track(new SerialScanner({ link: pair.host, classify, interByteTimeoutMs }));
    const device = new VirtualScanner((bytes) => pair.device.write(bytes));
    return { pair, scanner, device };
  }

  it('emits a scan for each code the virtual scanner sends, whatever the terminator', async () => {
    const { scanner, device } = onCable();
    const scans: Scan[] = [];
    scanner.on('scan', (s) => scans.push(s));
    const opened = next<ScannerState>(scanner, 'state');
    scanner.start();
    expect(await opened).toBe('opening');
    while (scanner.state !== 'open') await new Promise((r) => setImmediate(r));

    device.scan('2000000000015', { terminator: 'CR', chunkSize: 3 });
    device.scan(';2000000000015=2612101?', { terminator: 'CRLF' });
    device.scan('+7 912 345-67-89', { terminator: 'none' });
    while (scans.length < 3) await new Promise((r) => setTimeout(r, 5));
    expect(scans.map((s) => [s.kind, s.value])).toEqual([
      ['card', '2000000000015'],
      ['card', '2000000000015'],
      ['phone', '+79123456789'],
    ]);
  });

  it('reports codes that are not loyalty codes, GS kept in raw', async () => {
    const { scanner, device } = onCable();
    scanner.start();
    while (scanner.state !== 'open') await new Promise((r) => setImmediate(r));
    const got = next<UnrecognizedScan>(scanner, 'unrecognized');
    device.scan('0104606203086627215!&VbN\x1d93dGVz');
    expect(await got).toEqual({ raw: '0104606203086627215!&VbN\x1d93dGVz', reason: 'NOT_A_LOYALTY_CODE' });
  });

  it('reports the domain error code when the classifier refuses a code', async () => {
    const pair = new MemoryPair();
    pair.device.start();
    const refuse = () => {
      throw Object.assign(new Error('bad card'), { code: 'CARD_INVALID' });
    };
    const scanner = track(new SerialScanner({ link: pair.host, classify: refuse }));
    scanner.start();
    while (scanner.state !== 'open') await new Promise((r) => setImmediate(r));
    const got = next<UnrecognizedScan>(scanner, 'unrecognized');
    new VirtualScanner((b) => pair.device.write(b)).scan('123');
    expect(await got).toEqual({ raw: '123', reason: 'CARD_INVALID' });
  });

  it('survives an unplug: drops the half-received code, scans again after the replug', async () => {
    const { pair, scanner, device } = onCable(10);
    const seen: string[] = [];
    const states: ScannerState[] = [];
    scanner.on('scan', (s) => seen.push(s.raw));
    scanner.on('unrecognized', (s) => seen.push(s.raw));
    scanner.on('state', (s) => states.push(s));
    scanner.start();
    while (scanner.state !== 'open') await new Promise((r) => setImmediate(r));

    device.scan('200000', { terminator: 'none' });
    pair.unplug();
    expect(scanner.state).toBe('waiting');
    await new Promise((r) => setTimeout(r, 40));
    expect(seen).toEqual([]);

    pair.replug();
    while (scanner.state !== 'open') await new Promise((r) => setImmediate(r));
    const got = next<Scan>(scanner, 'scan');
    device.scan('2000000000015');
    expect((await got).value).toBe('2000000000015');
    expect(seen).toEqual(['2000000000015']);
    expect(states).toEqual(['opening', 'open', 'waiting', 'open']);
  });

  it('reopens a stream port through the serial helper after it closes, retrying a missing device', async () => {
    const streams: PassThrough[] = [];
    let opens = 0;
    const openErrors: string[] = [];
    const link = streamLink(
      () => {
        opens++;
        // The first reopen finds no device (still unplugged), the next one succeeds.
        if (opens === 2) throw new Error('ENOENT /dev/serial/by-id/usb-scanner');
        const s = new PassThrough();
        streams.push(s);
        return s;
      },
      { minMs: 5, maxMs: 20, onError: (e) => openErrors.push(e.message) },
    );
    const scanner = track(new SerialScanner({ link, classify }));
    const faults: string[] = [];
    scanner.on('fault', (e) => faults.push(e.message));
    scanner.start();
    while (scanner.state !== 'open') await new Promise((r) => setImmediate(r));

    streams[0]!.destroy(Object.assign(new Error('Port disconnected'), { disconnected: true }));
    await new Promise((r) => setImmediate(r));
    expect(scanner.state).toBe('waiting');
    while (scanner.state !== 'open') await new Promise((r) => setTimeout(r, 2));
    expect(opens).toBe(3);
    expect(faults).toEqual(['Port disconnected']);
    expect(openErrors).toEqual(['Port disconnected', 'ENOENT /dev/serial/by-id/usb-scanner']);

    const got = next<Scan>(scanner, 'scan');
    new VirtualScanner((b) => streams[1]!.write(b)).scan('2000000000015');
    expect((await got).value).toBe('2000000000015');
  });

  it('stop closes the port and does not reopen it', async () => {
    let opens = 0;
    const stream = new PassThrough();
    const scanner = track(
      new SerialScanner({
        link: streamLink(
          () => {
            opens++;
            return stream;
          },
          { minMs: 5 },
        ),
        classify,
      }),
    );
    scanner.start();
    while (scanner.state !== 'open') await new Promise((r) => setImmediate(r));
    await scanner.stop();
    expect(stream.destroyed).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(opens).toBe(1);
    expect(scanner.state).toBe('stopped');
  });

  it('reads from a serialport stream over the mock binding', async () => {
    const path = '/dev/serial/by-id/usb-virtual-scanner';
    SerialPortMock.binding.createPort(path, { echo: false, record: false });
    let opened: SerialPortMock | null = null;
    const link = streamLink(
      () =>
        new Promise<Readable>((resolve, reject) => {
          const port = new SerialPortMock({ path, baudRate: 9600 });
          port.once('open', () => {
            opened = port;
            resolve(port);
          });
          port.once('error', reject);
        }),
    );
    const scanner = track(new SerialScanner({ link, classify }));
    scanner.start();
    while (scanner.state !== 'open') await new Promise((r) => setTimeout(r, 2));
    const got = next<Scan>(scanner, 'scan');
    const device = new VirtualScanner((bytes) => opened!.port!.emitData(bytes));
    device.scan(';2000000000015?', { terminator: 'CRLF' });
    expect(await got).toEqual({ raw: ';2000000000015?', kind: 'card', value: '2000000000015' });
  });
});
