// Open receipt (92 flags type), close receipt (4A flags paymentType sum BCD5), cancel (59).

import { decodeBcd, encodeBcd } from '../transport/bcd.js';
import { Command } from './codes.js';
import { encodeCommand } from './envelope.js';

export const ReceiptType = { Sale: 1, SaleReturn: 2 } as const;
export type ReceiptTypeCode = (typeof ReceiptType)[keyof typeof ReceiptType];

export const OpenReceiptFlag = { Test: 0x01 } as const;

export function openReceiptCommand(password: number, type: ReceiptTypeCode, flags = 0): Buffer {
  return encodeCommand(password, Command.OpenReceipt, Buffer.of(flags, type));
}

export function parseOpenReceiptParams(params: Buffer): { flags: number; type: number } | null {
  if (params.length !== 2) return null;
  return { flags: params[0]!, type: params[1]! };
}

/** `sum` 0 = the payments already registered close the receipt exactly. */
export function closeReceiptCommand(password: number, paymentType: number, sum = 0, flags = 0): Buffer {
  return encodeCommand(
    password,
    Command.CloseReceipt,
    Buffer.concat([Buffer.of(flags, paymentType), encodeBcd(sum, 5)]),
  );
}

export function parseCloseReceiptParams(
  params: Buffer,
): { flags: number; paymentType: number; sum: number } | null {
  if (params.length !== 7) return null;
  try {
    return { flags: params[0]!, paymentType: params[1]!, sum: decodeBcd(params.subarray(2)) };
  } catch {
    return null;
  }
}

export function cancelReceiptCommand(password: number): Buffer {
  return encodeCommand(password, Command.CancelReceipt);
}
