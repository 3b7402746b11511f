// The on-disk envelope of every store file: a small fixed header with a version, the CRC-32 and
// the byte length of the body, then the body itself, so a truncated, half-written or foreign file
// is told apart from a good one before its content is trusted. The whole is still plain JSON:
//   {"v":1,"crc":"1c291ca3","len":17,"body":{"firstSeq":1}}
import { crc32 } from 'node:zlib';

export const ENVELOPE_VERSION = 1;

const HEADER = /^\{"v":(\d+),"crc":"([0-9a-f]{8})","len":(\d+),"body":/;
/** Longer than any header the writer produces; the regex only looks at this prefix. */
const HEADER_SCAN_BYTES = 64;
const TRAILER = '}\n';

export function encodeEnvelope(bodyJson: string): Buffer {
  const body = Buffer.from(bodyJson, 'utf8');
  const crc = crc32(body).toString(16).padStart(8, '0');
  const header = `{"v":${ENVELOPE_VERSION},"crc":"${crc}","len":${body.length},"body":`;
  return Buffer.concat([Buffer.from(header, 'latin1'), body, Buffer.from(TRAILER, 'latin1')]);
}

export type DecodedEnvelope = { ok: true; body: unknown } | { ok: false; reason: string };

export function decodeEnvelope(bytes: Buffer): DecodedEnvelope {
  if (bytes.length === 0) return { ok: false, reason: 'empty file' };
  const head = bytes.subarray(0, HEADER_SCAN_BYTES).toString('latin1');
  const m = HEADER.exec(head);
  if (!m) return { ok: false, reason: 'not a store file (no envelope header)' };
  const version = Number(m[1]);
  if (version !== ENVELOPE_VERSION) return { ok: false, reason: `unsupported envelope version ${version}` };
  const start = m[0].length;
  const len = Number(m[3]);
  const expected = start + len + TRAILER.length;
  if (bytes.length < expected)
    return { ok: false, reason: `truncated: ${bytes.length} of ${expected} bytes` };
  if (bytes.length > expected) return { ok: false, reason: `trailing bytes: ${bytes.length} of ${expected}` };
  if (bytes.subarray(start + len).toString('latin1') !== TRAILER) return { ok: false, reason: 'bad trailer' };
  const body = bytes.subarray(start, start + len);
  const crc = crc32(body).toString(16).padStart(8, '0');
  if (crc !== m[2]) return { ok: false, reason: `checksum mismatch (stored ${m[2]}, computed ${crc})` };
  try {
    return { ok: true, body: JSON.parse(body.toString('utf8')) };
  } catch (e) {
    // A matching CRC over invalid JSON means the writer itself was wrong; still refuse the content.
    return { ok: false, reason: `invalid JSON body: ${(e as Error).message}` };
  }
}
