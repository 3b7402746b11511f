import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBcd, encodeBcd } from '../../../drivers/atol/transport/bcd.js';
import { crc8 } from '../../../drivers/atol/transport/crc8.js';
import { encodeFrame, type Frame, frameCrc } from '../../../drivers/atol/transport/frame.js';
import { decodeFrames, type FrameFault, FrameParser } from '../../../drivers/atol/transport/parser.js';
import { StuffingError, stuffBytes, unstuffBytes } from '../../../drivers/atol/transport/stuffing.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// The checked frames of DEVICES.md (CRC verified there).
const CHECKED: { name: string; bytes: string; id: number; data: string }[] = [
  { name: 'Abort', bytes: 'FE 01 00 06 C4 58', id: 0x06, data: 'C4' },
  { name: 'Add A5', bytes: 'FE 06 00 07 C1 01 02 00 00 A5 8D', id: 0x07, data: 'C1 01 02 00 00 A5' },
  { name: 'Req task 2', bytes: 'FE 02 00 08 C3 02 FC', id: 0x08, data: 'C3 02' },
  { name: 'empty packet', bytes: 'FE 00 00 01 9D', id: 0x01, data: '' },
  { name: 'async, stuffed CRC', bytes: 'FE 05 00 F0 A6 57 55 00 00 FD EE', id: 0xf0, data: 'A6 57 55 00 00' },
];

describe('checked frames', () => {
  for (const c of CHECKED) {
    it(`${c.name}: encodes byte for byte`, () => {
      expect(encodeFrame({ id: c.id, data: hex(c.data) })).toEqual(hex(c.bytes));
    });
    it(`${c.name}: decodes`, () => {
      const { frames, faults } = decodeFrames(hex(c.bytes));
      expect(faults).toEqual([]);
      expect(frames).toEqual([{ id: c.id, data: hex(c.data) }]);
    });
  }

  it('the async frame has CRC 0xFE, sent stuffed as FD EE', () => {
    expect(frameCrc(0xf0, hex('A6 57 55 00 00'))).toBe(0xfe);
  });
});

describe('crc8', () => {
  it('uses poly 0x31, init 0xFF, no reflection', () => {
    expect(crc8(new Uint8Array())).toBe(0xff);
    expect(crc8(hex('06 C4'))).toBe(0x58);
    // chaining equals one pass
    expect(crc8(hex('C4'), crc8(hex('06')))).toBe(0x58);
  });

  it('optionally covers the stuffed DATA bytes', () => {
    const data = hex('01 FE 02 FD');
    const frame = encodeFrame({ id: 3, data }, { crcOverStuffed: true });
    expect(frame.at(-1)).toBe(crc8(Buffer.concat([hex('03'), stuffBytes(data)])));
    expect(frame.at(-1)).not.toBe(frameCrc(3, data));
    expect(decodeFrames(frame, { crcOverStuffed: true }).frames).toEqual([{ id: 3, data }]);
    // read with the other setting the CRC is wrong
    expect(decodeFrames(frame).faults.map((f) => f.kind)).toEqual(['bad-crc']);
  });
});

describe('stuffing', () => {
  it('escapes FE and FD and reverses', () => {
    expect(stuffBytes(hex('00 FE FD 01'))).toEqual(hex('00 FD EE FD ED 01'));
    expect(unstuffBytes(hex('00 FD EE FD ED 01'))).toEqual(hex('00 FE FD 01'));
  });

  it('rejects broken escapes and raw STX', () => {
    expect(() => unstuffBytes(hex('FD 00'))).toThrow(StuffingError);
    expect(() => unstuffBytes(hex('01 FD'))).toThrow(StuffingError);
    expect(() => unstuffBytes(hex('FE'))).toThrow(StuffingError);
  });

  it('round-trips any bytes and never leaves an STX', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const stuffed = stuffBytes(bytes);
        expect(stuffed.includes(0xfe)).toBe(false);
        expect(unstuffBytes(stuffed)).toEqual(Buffer.from(bytes));
      }),
    );
  });
});

describe('encodeFrame', () => {
  it('splits LEN over 7 bits', () => {
    const frame = encodeFrame({ id: 1, data: Buffer.alloc(300, 0x11) });
    expect([...frame.subarray(0, 4)]).toEqual([0xfe, 300 & 0x7f, 300 >> 7, 1]);
    expect(decodeFrames(frame).frames[0]!.data.length).toBe(300);
  });

  it('refuses bad IDs and over-long data', () => {
    expect(() => encodeFrame({ id: 0xfe, data: Buffer.alloc(0) })).toThrow(RangeError);
    expect(() => encodeFrame({ id: -1, data: Buffer.alloc(0) })).toThrow(RangeError);
    expect(() => encodeFrame({ id: 1, data: Buffer.alloc(0x4000) })).toThrow(RangeError);
  });
});

const frameArb = fc.record({
  id: fc.oneof(fc.integer({ min: 0, max: 0xdf }), fc.constant(0xf0)),
  data: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
});

function collect(chunks: Uint8Array[]): { frames: Frame[]; faults: FrameFault[] } {
  const frames: Frame[] = [];
  const faults: FrameFault[] = [];
  const parser = new FrameParser({ onFrame: (f) => frames.push(f), onFault: (f) => faults.push(f) });
  for (const chunk of chunks) parser.push(chunk);
  return { frames, faults };
}

describe('FrameParser', () => {
  it('decodes a stream split at every offset', () => {
    const stream = Buffer.concat(CHECKED.map((c) => hex(c.bytes)));
    const expected = CHECKED.map((c) => ({ id: c.id, data: hex(c.data) }));
    for (let cut = 0; cut <= stream.length; cut++) {
      for (let cut2 = cut; cut2 <= stream.length; cut2 += 3) {
        const { frames, faults } = collect([
          stream.subarray(0, cut),
          stream.subarray(cut, cut2),
          stream.subarray(cut2),
        ]);
        expect(frames).toEqual(expected);
        expect(faults).toEqual([]);
      }
    }
  });

  it('decodes byte by byte', () => {
    const stream = Buffer.concat(CHECKED.map((c) => hex(c.bytes)));
    expect(collect([...stream].map((b) => Uint8Array.of(b))).frames).toHaveLength(CHECKED.length);
  });

  it('reports a bad CRC and does not pass the frame on', () => {
    const bad = hex('FE 01 00 06 C4 59');
    const { frames, faults } = collect([bad, hex('FE 00 00 01 9D')]);
    expect(frames).toEqual([{ id: 1, data: Buffer.alloc(0) }]);
    expect(faults).toEqual([{ kind: 'bad-crc', id: 6, droppedBytes: 6 }]);
  });

  it('reports a broken escape, a bad header and noise, then resynchronises', () => {
    const { frames, faults } = collect([
      hex('01 02 03'), // noise
      hex('FE 01 00 06 FD 00'), // bad escape
      hex('FE 80'), // LEN0 with bit 7 set
      hex('FE 06 00 07 C1'), // cut short by the next STX
      hex('FE 02 00 08 C3 02 FC'),
    ]);
    expect(frames).toEqual([{ id: 8, data: hex('C3 02') }]);
    expect(faults.map((f) => f.kind)).toEqual(['noise', 'bad-escape', 'bad-header', 'truncated']);
  });

  it('ignores announced lengths above the limit', () => {
    const { frames, faults } = decodeFrames(Buffer.concat([hex('FE 7F 7F 01'), hex('FE 00 00 01 9D')]), {
      maxDataLength: 1000,
    });
    expect(frames).toHaveLength(1);
    expect(faults[0]!.kind).toBe('bad-header');
  });

  it('fuzz: frames between random noise and random splits all come out intact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(frameArb, fc.uint8Array({ maxLength: 12 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (items, cuts) => {
          // Noise without STX cannot hide a frame; noise after the last frame is harmless.
          const parts = items.flatMap(([frame, noise]) => [
            Buffer.from(noise.filter((b) => b !== 0xfe)),
            encodeFrame(frame),
          ]);
          const stream = Buffer.concat(parts);
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let from = 0;
          for (const p of points) {
            chunks.push(stream.subarray(from, p));
            from = p;
          }
          chunks.push(stream.subarray(from));
          const { frames } = collect(chunks);
          expect(frames).toEqual(items.map(([f]) => f));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fuzz: random bytes never crash it and a following good frame is still found', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (garbage) => {
        const good = encodeFrame({ id: 5, data: hex('A3 01 55 00 00') });
        const { frames } = collect([garbage, good]);
        expect(frames.at(-1)).toEqual({ id: 5, data: hex('A3 01 55 00 00') });
      }),
      { numRuns: 300 },
    );
  });

  it('fuzz: a flipped bit in DATA or CRC is never delivered as a frame', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (frame, at, bit) => {
        const bytes = Buffer.from(encodeFrame(frame));
        const pos = 4 + (at % (bytes.length - 4));
        bytes[pos] = bytes[pos]! ^ (1 << bit);
        const { frames } = decodeFrames(bytes);
        // a flip may at most turn into a different but self-consistent frame never equal to the original
        for (const f of frames) expect(f).not.toEqual(frame);
      }),
      { numRuns: 300 },
    );
  });
});

describe('BCD', () => {
  it('is big-endian packed', () => {
    expect(encodeBcd(1234, 3)).toEqual(hex('00 12 34'));
    expect(encodeBcd(0, 2)).toEqual(hex('00 00'));
    expect(decodeBcd(hex('00 12 34'))).toBe(1234);
    expect(encodeBcd(99_999_999_999_999, 7)).toEqual(hex('99 99 99 99 99 99 99'));
  });

  it('refuses what it cannot represent', () => {
    expect(() => encodeBcd(12345, 2)).toThrow(RangeError);
    expect(() => encodeBcd(-1, 2)).toThrow(RangeError);
    expect(() => encodeBcd(1.5, 2)).toThrow(RangeError);
    expect(() => decodeBcd(hex('1A'))).toThrow(RangeError);
    expect(() => decodeBcd(hex('A1'))).toThrow(RangeError);
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), (n) => {
        expect(decodeBcd(encodeBcd(n, 5))).toBe(n);
      }),
    );
  });
});
