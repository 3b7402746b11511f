// Application payload of a task: `access password (BCD2) | command | params`; the reply is
// `55 error errorExt data…` (status 3F answers `44 …` instead when it succeeds).

import { REGISTER_LOCAL_CODES } from '../../register/types.js';
import { registerError } from '../errors.js';
import { decodeBcd, encodeBcd } from '../transport/bcd.js';

export const REPLY_MARKER = 0x55;

export interface CommandPayload {
  password: number;
  command: number;
  params: Buffer;
}

export function encodeCommand(
  password: number,
  command: number,
  params: Uint8Array = Buffer.alloc(0),
): Buffer {
  return Buffer.concat([encodeBcd(password, 2), Buffer.of(command), params]);
}

export function decodeCommand(payload: Buffer): CommandPayload | null {
  if (payload.length < 3) return null;
  try {
    return { password: decodeBcd(payload.subarray(0, 2)), command: payload[2]!, params: payload.subarray(3) };
  } catch {
    return null;
  }
}

export function okReply(data: Uint8Array = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.of(REPLY_MARKER, 0, 0), data]);
}

export function errorReply(code: number, extended = 0): Buffer {
  return Buffer.of(REPLY_MARKER, code, extended);
}

/**
 * The data of a successful reply; throws RegisterError with the register's code otherwise.
 * `marker` is the first byte a success starts with (0x55, or 0x44 for status).
 */
export function replyData(reply: Buffer, context: string, marker = REPLY_MARKER): Buffer {
  const first = reply[0];
  if (first === REPLY_MARKER && reply.length >= 3 && reply[1] !== 0) throw registerError(reply[1]!, context);
  if (first !== marker || (marker === REPLY_MARKER && reply.length < 3)) {
    throw registerError(
      REGISTER_LOCAL_CODES.PROTOCOL,
      `${context}: reply ${reply.subarray(0, 8).toString('hex')}`,
    );
  }
  return reply.subarray(marker === REPLY_MARKER ? 3 : 1);
}

/** Reads a field or fails as a protocol error (instead of a RangeError deep inside a parser). */
export function field(data: Buffer, offset: number, length: number, context: string): Buffer {
  if (data.length < offset + length) {
    throw registerError(REGISTER_LOCAL_CODES.PROTOCOL, `${context}: reply too short (${data.length} bytes)`);
  }
  return data.subarray(offset, offset + length);
}

export function bcdField(data: Buffer, offset: number, length: number, context: string): number {
  try {
    return decodeBcd(field(data, offset, length, context));
  } catch (error) {
    if (error instanceof RangeError) {
      throw registerError(REGISTER_LOCAL_CODES.PROTOCOL, `${context}: ${error.message}`);
    }
    throw error;
  }
}
