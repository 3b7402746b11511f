import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../src/storage/file/envelope.js';

describe('store file envelope', () => {
  it('round-trips a body with non-ASCII text and is itself valid JSON', () => {
    const body = { name: 'Молоко «Домик»', emoji: '🥛', n: 12345 };
    const bytes = encodeEnvelope(JSON.stringify(body));
    expect(decodeEnvelope(bytes)).toEqual({ ok: true, body });
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ v: 1, body });
  });

  it('detects a file cut at any point', () => {
    const bytes = encodeEnvelope(JSON.stringify({ entries: [1, 2, 3], text: 'x'.repeat(100) }));
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(decodeEnvelope(bytes.subarray(0, cut)).ok, `cut at ${cut}`).toBe(false);
    }
  });

  it('detects a flipped byte in the body by its checksum', () => {
    const bytes = Buffer.from(encodeEnvelope(JSON.stringify({ amount: 17081 })));
    const i = bytes.indexOf('17081');
    bytes[i] = '2'.charCodeAt(0);
    const decoded = decodeEnvelope(bytes);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok === false && decoded.reason).toMatch(/checksum/);
  });

  it('refuses plain JSON, garbage, trailing bytes and another version', () => {
    expect(decodeEnvelope(Buffer.from('{"firstSeq":1,"entries":[]}')).ok).toBe(false);
    expect(decodeEnvelope(Buffer.from('\u0000\u0000garbage')).ok).toBe(false);
    expect(decodeEnvelope(Buffer.alloc(0))).toEqual({ ok: false, reason: 'empty file' });
    const good = encodeEnvelope('{}');
    expect(decodeEnvelope(Buffer.concat([good, Buffer.from('x')])).ok).toBe(false);
    const v2 = Buffer.from(good.toString('latin1').replace('"v":1', '"v":2'), 'latin1');
    expect(decodeEnvelope(v2)).toEqual({ ok: false, reason: 'unsupported envelope version 2' });
  });
});
