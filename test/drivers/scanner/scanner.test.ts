import { PassThrough, type Readable } from 'node:stream';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { type Scan, scanClassifier } from '../../../drivers/scanner/classify.js';
import { type ScannerState, SerialScanner, type UnrecognizedScan } from '../../../drivers/scanner/scanner.js';
import { VirtualScanner } from '../../../drivers/scanner/virtual.js';

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

describe('classifying scans', () => {
  const classify = scanClassifier();

  it('recognizes a barcode card, a track 2 swipe, a typed phone and an app QR', () => {
    expect(classify('2000000000015')).toEqual({ raw: '2000000000015', kind: 'card', value: '2000000000015' });
    expect(classify(';2000000000015=2612101?')).toEqual({
      raw: ';2000000000015=2612101?',
      kind: 'card',
      value: '2000000000015',
    });
    expect(classify('8 (912) 345-67-89')).toMatchObject({ kind: 'phone', value: '+79123456789' });
    expect(classify('LQ1.eyJjIjoiYzQyIn0.c2ln')).toMatchObject({
      kind: 'qr',
      value: 'LQ1.eyJjIjoiYzQyIn0.c2ln',
    });
  });

  it('refuses product barcodes, GS1 codes and noise', () => {
    expect(classify('4607001234567')).toBeNull(); // wrong EAN-13 check digit for a card
    expect(classify('0104606203086627215!&VbN\x1d93dGVz')).toBeNull();
    expect(classify('%%%')).toBeNull();
  });

  it('applies the program card ranges when given', () => {
    const ranged = scanClassifier(() => [{ prefix: '777', lengths: [8] }]);
    expect(ranged('77712345')).toMatchObject({ kind: 'card', value: '77712345' });
    expect(ranged('2000000000015')).toBeNull();
  });
});

describe('SerialScanner', () => {
  it('emits a scan for each code the virtual scanner sends, whatever the terminator', async () => {
    const { scanner: device, stream } = VirtualScanner.withStream();
    const scanner = track(new SerialScanner({ open: () => stream, interByteTimeoutMs: 20 }));
    const scans: Scan[] = [];
    scanner.on('scan', (s) => scans.push(s));
    await scanner.start();
    expect(scanner.state).toBe('open');

    device.scan('2000000000015', { terminator: 'CR', chunkSize: 3 });
    device.scan(';2000000000015=2612101?', { terminator: 'CRLF' });
    const last = next<Scan>(scanner, 'scan');
    device.scan('+7 912 345-67-89', { terminator: 'none' });
    await last;
    expect(scans.map((s) => [s.kind, s.value])).toEqual([
      ['card', '2000000000015'],
      ['card', '2000000000015'],
      ['phone', '+79123456789'],
    ]);
  });

  it('reports codes that are not loyalty codes, GS kept in raw', async () => {
    const { scanner: device, stream } = VirtualScanner.withStream();
    const scanner = track(new SerialScanner({ open: () => stream }));
    await scanner.start();
    const got = next<UnrecognizedScan>(scanner, 'unrecognized');
    device.scan('0104606203086627215!&VbN\x1d93dGVz');
    expect(await got).toEqual({ raw: '0104606203086627215!&VbN\x1d93dGVz', reason: 'NOT_A_LOYALTY_CODE' });
  });

  it('reports the domain error code when the classifier refuses a code', async () => {
    const { scanner: device, stream } = VirtualScanner.withStream();
    const refuse = () => {
      throw Object.assign(new Error('bad card'), { code: 'CARD_INVALID' });
    };
    const scanner = track(new SerialScanner({ open: () => stream, classify: refuse }));
    await scanner.start();
    const got = next<UnrecognizedScan>(scanner, 'unrecognized');
    device.scan('123');
    expect(await got).toEqual({ raw: '123', reason: 'CARD_INVALID' });
  });

  it('reopens the port after an unplug and keeps scanning on the new stream', async () => {
    const streams: PassThrough[] = [];
    let opens = 0;
    const scanner = track(
      new SerialScanner({
        open: () => {
          opens++;
          // The first reopen attempt finds no device (still unplugged), the next one succeeds.
          if (opens === 2) throw new Error('ENOENT /dev/serial/by-id/usb-scanner');
          const s = new PassThrough();
          streams.push(s);
          return s;
        },
        reopen: { initialMs: 10, maxMs: 40 },
      }),
    );
    const states: ScannerState[] = [];
    const faults: Error[] = [];
    scanner.on('state', (s) => states.push(s));
    scanner.on('fault', (e) => faults.push(e));
    await scanner.start();

    const unplug = Object.assign(new Error('Port disconnected'), { disconnected: true });
    streams[0]!.destroy(unplug);
    while (streams.length < 2) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setImmediate(r));
    expect(scanner.state).toBe('open');
    expect(opens).toBe(3);
    expect(faults.map((e) => e.message)).toEqual([
      'Port disconnected',
      'ENOENT /dev/serial/by-id/usb-scanner',
    ]);
    expect(states).toEqual(['opening', 'open', 'waiting', 'opening', 'waiting', 'opening', 'open']);

    const got = next<Scan>(scanner, 'scan');
    new VirtualScanner((b) => streams[1]!.write(b)).scan('2000000000015');
    expect((await got).value).toBe('2000000000015');
  });

  it('drops a half-received code at unplug instead of emitting garbage', async () => {
    const streams: PassThrough[] = [];
    const scanner = track(
      new SerialScanner({
        open: () => {
          const s = new PassThrough();
          streams.push(s);
          return s;
        },
        interByteTimeoutMs: 10,
        reopen: { initialMs: 5 },
      }),
    );
    const seen: string[] = [];
    scanner.on('scan', (s) => seen.push(s.raw));
    scanner.on('unrecognized', (s) => seen.push(s.raw));
    await scanner.start();
    streams[0]!.write(Buffer.from('200000'));
    await new Promise((r) => setImmediate(r));
    streams[0]!.destroy();
    await new Promise((r) => setTimeout(r, 40));
    expect(seen).toEqual([]);
  });

  it('stop closes the port and does not reopen it', async () => {
    let opens = 0;
    const stream = new PassThrough();
    const scanner = track(
      new SerialScanner({
        open: () => {
          opens++;
          return stream;
        },
        reopen: { initialMs: 5 },
      }),
    );
    await scanner.start();
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
    const scanner = track(
      new SerialScanner({
        open: () =>
          new Promise<Readable>((resolve, reject) => {
            const port = new SerialPortMock({ path, baudRate: 9600 });
            port.once('open', () => {
              opened = port;
              resolve(port);
            });
            port.once('error', reject);
          }),
      }),
    );
    await scanner.start();
    const got = next<Scan>(scanner, 'scan');
    const device = new VirtualScanner((bytes) => opened!.port!.emitData(bytes));
    device.scan(';2000000000015?', { terminator: 'CRLF' });
    expect(await got).toEqual({ raw: ';2000000000015?', kind: 'card', value: '2000000000015' });
  });
});
