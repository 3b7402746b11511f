// Fiscal storage data (A4 request …):
// 0x31 -> FN number (16 ASCII digits);
// 0x45 fd BCD5 -> document: type | clock YY MM DD hh mm ss BCD | fd BCD5 | fp BCD5 | shift BCD2 |
//                 total BCD7 (check: the real reply is TLV-based through 0x46).

import { encodeBcd } from '../transport/bcd.js';
import { Command } from './codes.js';
import { bcdField, encodeCommand, field, okReply, replyData } from './envelope.js';
import { decodeClock, encodeClock } from './status.js';

export const FnRequest = { Number: 0x31, DocumentByNumber: 0x45 } as const;

export const FnDocumentType = { ShiftOpen: 2, Receipt: 3, ShiftClose: 5 } as const;

export interface FnDocument {
  type: number;
  clock: string;
  fd: number;
  fp: number;
  shift: number;
  total: number;
}

export function fnNumberCommand(password: number): Buffer {
  return encodeCommand(password, Command.FnData, Buffer.of(FnRequest.Number));
}

export function encodeFnNumberReply(fn: string): Buffer {
  return okReply(Buffer.from(fn, 'ascii'));
}

export function parseFnNumberReply(reply: Buffer): string {
  const fn = replyData(reply, 'FN number').toString('ascii').trim();
  return fn;
}

export function fnDocumentCommand(password: number, fd: number): Buffer {
  return encodeCommand(
    password,
    Command.FnData,
    Buffer.concat([Buffer.of(FnRequest.DocumentByNumber), encodeBcd(fd, 5)]),
  );
}

export function encodeFnDocumentReply(doc: FnDocument): Buffer {
  return okReply(
    Buffer.concat([
      Buffer.of(doc.type),
      encodeClock(doc.clock),
      encodeBcd(doc.fd, 5),
      encodeBcd(doc.fp, 5),
      encodeBcd(doc.shift, 2),
      encodeBcd(doc.total, 7),
    ]),
  );
}

export function parseFnDocumentReply(reply: Buffer): FnDocument {
  const context = 'FN document';
  const data = replyData(reply, context);
  return {
    type: field(data, 0, 1, context)[0]!,
    clock: decodeClock(data, 1, context),
    fd: bcdField(data, 7, 5, context),
    fp: bcdField(data, 12, 5, context),
    shift: bcdField(data, 17, 2, context),
    total: bcdField(data, 19, 7, context),
  };
}
