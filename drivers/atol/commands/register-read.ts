// Read register (91 register param1 param2). Register 0x34 = the last fiscal document; its
// reply data is the document number BCD5 (check).

import { encodeBcd } from '../transport/bcd.js';
import { Command } from './codes.js';
import { bcdField, encodeCommand, okReply, replyData } from './envelope.js';

export const LAST_DOCUMENT_REGISTER = 0x34;

export function readRegisterCommand(password: number, register: number, param1 = 0, param2 = 0): Buffer {
  return encodeCommand(password, Command.ReadRegister, Buffer.of(register, param1, param2));
}

export function encodeLastDocumentReply(fd: number): Buffer {
  return okReply(encodeBcd(fd, 5));
}

/** The number of the last fiscal document, 0 when the register has none yet. */
export function parseLastDocumentReply(reply: Buffer): number {
  return bcdField(replyData(reply, 'last document'), 0, 5, 'last document');
}
