import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScanFrameParser, ScanFramer } from '../../../drivers/scanner/framing.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('ScanFramer (bytes → codes)', () => {
  it('ends a code at CR', () => {
    const f = new ScanFramer();
    expect(f.push(bytes('4600000000019\r'))).toEqual(['4600000000019']);
    expect(f.hasPending).toBe(false);
  });

  it('treats CR LF as one terminator and yields no empty codes', () => {
    const f = new ScanFramer();
    expect(f.push(bytes('A1\r\nB2\r\n\r\n'))).toEqual(['A1', 'B2']);
  });

  it('joins a code split over chunks, also when CR and LF arrive in different chunks', () => {
    const f = new ScanFramer();
    expect(f.push(bytes('46000'))).toEqual([]);
    expect(f.push(bytes('00000019\r'))).toEqual(['4600000000019']);
    expect(f.push(bytes('\n89123'))).toEqual([]);
    expect(f.push(bytes('456789\r\n'))).toEqual(['89123456789']);
  });

  it('keeps GS (0x1D) separators of GS1 / marked-goods codes', () => {
    const f = new ScanFramer();
    const code = '0104606203086627215!&VbN\x1d93dGVz';
    expect(f.push(bytes(code + '\r'))).toEqual([code]);
    expect(code.includes('\x1d')).toBe(true);
  });

  it('passes a magnetic track 2 swipe through untouched', () => {
    const f = new ScanFramer();
    expect(f.push(bytes(';4600000000019=2612101?\r'))).toEqual([';4600000000019=2612101?']);
  });

  it('drops line noise: NUL, BEL, DEL, stray control bytes and blank codes', () => {
    const f = new ScanFramer();
    expect(f.push(Buffer.from([0x00, 0x07, 0x0d, 0x20, 0x0d, 0x31, 0x00, 0x32, 0x7f, 0x33, 0x0d]))).toEqual([
      '123',
    ]);
    expect(f.push(bytes('  \r\r\n'))).toEqual([]);
  });

  it('takes a bare LF as a terminator too', () => {
    expect(new ScanFramer().push(bytes('X\nY\n'))).toEqual(['X', 'Y']);
  });

  it('decodes UTF-8 text and does not throw on broken sequences', () => {
    const f = new ScanFramer();
    expect(f.push(Buffer.concat([Buffer.from('Карта', 'utf8'), bytes('\r')]))).toEqual(['Карта']);
    expect(f.push(Buffer.from([0x41, 0xff, 0x42, 0x0d]))).toEqual(['A\uFFFDB']);
  });

  it('throws away an endless code and resynchronizes at the next terminator', () => {
    const f = new ScanFramer(8);
    expect(f.push(bytes('0123456789ABCDEF'))).toEqual([]);
    expect(f.push(bytes('GHIJ\rOK\r'))).toEqual(['OK']);
    expect(f.overflows).toBe(1);
  });
});

describe('ScanFrameParser (stream with inter-byte timeout)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function collect(parser: ScanFrameParser): Promise<string[]> {
    const out: string[] = [];
    parser.on('data', (code: string) => out.push(code));
    return out;
  }
  const settle = () => new Promise<void>((r) => setImmediate(r));

  it('emits a code without terminator after the silence, not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const parser = new ScanFrameParser({ interByteTimeoutMs: 50 });
    const out = await collect(parser);
    parser.write(bytes('46000000'));
    await settle();
    vi.advanceTimersByTime(30);
    parser.write(bytes('00019'));
    await settle();
    vi.advanceTimersByTime(49);
    await settle();
    expect(out).toEqual([]);
    vi.advanceTimersByTime(1);
    await settle();
    expect(out).toEqual(['4600000000019']);
    parser.destroy();
  });

  it('does not emit twice when the terminator follows a late code', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const parser = new ScanFrameParser({ interByteTimeoutMs: 50 });
    const out = await collect(parser);
    parser.write(bytes('ABC'));
    await settle();
    vi.advanceTimersByTime(60);
    parser.write(bytes('\r\nDEF\r'));
    await settle();
    expect(out).toEqual(['ABC', 'DEF']);
    parser.destroy();
  });

  it('terminated codes come at once; a destroyed parser fires no timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const parser = new ScanFrameParser({ interByteTimeoutMs: 50 });
    const out = await collect(parser);
    parser.write(bytes('111\r222'));
    await settle();
    expect(out).toEqual(['111']);
    parser.destroy();
    vi.advanceTimersByTime(100);
    await settle();
    expect(out).toEqual(['111']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('flushes a pending code when the input ends', async () => {
    const parser = new ScanFrameParser();
    const out = await collect(parser);
    parser.end(bytes('LAST'));
    await new Promise((r) => parser.on('end', r));
    expect(out).toEqual(['LAST']);
  });
});
