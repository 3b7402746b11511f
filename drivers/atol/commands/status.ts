// Status (3F). Reply layout (the same offsets as kurbatov/atol4j DeviceStateRequest reads):
// 44 | cashier BCD1 | room 1 | date YY MM DD BCD | time hh mm ss BCD | flags | serial BCD4 | model |
// version 2 | mode (low nibble mode, high nibble submode) | receipt no BCD2 | shift no BCD2 |
// receipt state (0 closed, 1 sale, 2 sale return, 4 expense, 5 its return, 7/9/10 corrections) |
// receipt sum BCD5
// flags: bit0 fiscalized, bit1 shift open, bit3 paper present.

import { encodeBcd } from '../transport/bcd.js';
import { Command } from './codes.js';
import { bcdField, encodeCommand, field, replyData } from './envelope.js';

export const STATUS_MARKER = 0x44;

export const StatusFlag = { Fiscal: 0x01, ShiftOpen: 0x02, Paper: 0x08 } as const;

/** 0 = no receipt open; anything else is the type of the open one (1 sale, 2 sale return, 4 …). */
export type ReceiptState = number;

export interface RegisterStatus {
  cashier: number;
  /** Register clock, local time `YYYY-MM-DDTHH:mm:ss`. */
  clock: string;
  fiscal: boolean;
  shiftOpen: boolean;
  paper: boolean;
  serial: string;
  model: number;
  mode: number;
  submode: number;
  receiptNumber: number;
  shiftNumber: number;
  /** 0 no receipt open; otherwise the open receipt's type (1 sale, 2 return, 4/5 expense, 7/9/10 correction). */
  receiptState: ReceiptState;
  receiptSum: number;
}

export function statusCommand(password: number): Buffer {
  return encodeCommand(password, Command.Status);
}

export function encodeClock(clock: string): Buffer {
  const match = /^(\d{2})(\d{2})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(clock);
  if (!match) throw new RangeError(`bad clock ${clock}`);
  return Buffer.concat(match.slice(2).map((part) => encodeBcd(Number(part), 1)));
}

export function decodeClock(data: Buffer, offset: number, context: string): string {
  const parts = [0, 1, 2, 3, 4, 5].map((i) => bcdField(data, offset + i, 1, context));
  const [yy, mo, dd, hh, mi, ss] = parts.map((n) => String(n).padStart(2, '0'));
  return `20${yy}-${mo}-${dd}T${hh}:${mi}:${ss}`;
}

export function encodeStatusReply(status: RegisterStatus): Buffer {
  const flags =
    (status.fiscal ? StatusFlag.Fiscal : 0) |
    (status.shiftOpen ? StatusFlag.ShiftOpen : 0) |
    (status.paper ? StatusFlag.Paper : 0);
  return Buffer.concat([
    Buffer.of(STATUS_MARKER),
    encodeBcd(status.cashier, 1),
    Buffer.of(1),
    encodeClock(status.clock),
    Buffer.of(flags),
    encodeBcd(Number(status.serial), 4),
    Buffer.of(status.model, 0, 0),
    Buffer.of(((status.submode & 0x0f) << 4) | (status.mode & 0x0f)),
    encodeBcd(status.receiptNumber, 2),
    encodeBcd(status.shiftNumber, 2),
    Buffer.of(status.receiptState),
    encodeBcd(status.receiptSum, 5),
  ]);
}

export function parseStatusReply(reply: Buffer): RegisterStatus {
  const context = 'status';
  const data = replyData(reply, context, STATUS_MARKER);
  const flags = field(data, 8, 1, context)[0]!;
  const modeByte = field(data, 16, 1, context)[0]!;
  const receiptState = field(data, 21, 1, context)[0]!;
  return {
    cashier: bcdField(data, 0, 1, context),
    clock: decodeClock(data, 2, context),
    fiscal: (flags & StatusFlag.Fiscal) !== 0,
    shiftOpen: (flags & StatusFlag.ShiftOpen) !== 0,
    paper: (flags & StatusFlag.Paper) !== 0,
    serial: String(bcdField(data, 9, 4, context)).padStart(8, '0'),
    model: field(data, 13, 1, context)[0]!,
    mode: modeByte & 0x0f,
    submode: modeByte >> 4,
    receiptNumber: bcdField(data, 17, 2, context),
    shiftNumber: bcdField(data, 19, 2, context),
    receiptState,
    receiptSum: bcdField(data, 22, 5, context),
  };
}
