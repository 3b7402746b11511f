// Encoding of one ATOL protocol v3 transport frame:
// STX | LEN0 (len & 0x7F) | LEN1 (len >> 7) | ID | DATA (stuffed) | CRC (stuffed).

import { crc8 } from './crc8.js';
import { STX, stuffBytes } from './stuffing.js';

/** The register marks its unsolicited (asynchronous) packets with this ID. */
export const ASYNC_PACKET_ID = 0xf0;
/** Host packet IDs roll over 0x00..0xDF. */
export const MAX_PACKET_ID = 0xdf;
/** LEN is 14 bits wide. */
export const MAX_DATA_LENGTH = 0x3fff;

export interface Frame {
  id: number;
  /** Unstuffed DATA; empty = "resend your last packet with this ID". */
  data: Buffer;
}

export interface CrcOptions {
  /** Compute the CRC over the stuffed DATA bytes instead of the unstuffed ones (check: one implementation does). */
  crcOverStuffed?: boolean;
}

export function frameCrc(id: number, data: Uint8Array, options: CrcOptions = {}): number {
  const covered = options.crcOverStuffed ? stuffBytes(data) : data;
  return crc8(covered, crc8(Uint8Array.of(id)));
}

export function encodeFrame(frame: Frame, options: CrcOptions = {}): Buffer {
  const { id, data } = frame;
  if (!Number.isInteger(id) || id < 0 || id > 0xff || id === STX) throw new RangeError(`bad packet id ${id}`);
  if (data.length > MAX_DATA_LENGTH) throw new RangeError(`frame data too long: ${data.length}`);
  const header = Buffer.from([STX, data.length & 0x7f, data.length >> 7, id]);
  const crc = frameCrc(id, data, options);
  return Buffer.concat([header, stuffBytes(data), stuffBytes(Uint8Array.of(crc))]);
}
