// Payment (99 flags type sum BCD5); reply data: remainder BCD5 | change BCD5.

import type { FiscalPaymentType } from '../../register/types.js';
import { decodeBcd, encodeBcd } from '../transport/bcd.js';
import { Command } from './codes.js';
import { bcdField, encodeCommand, okReply, replyData } from './envelope.js';

export const PAYMENT_TYPE_CODE: Readonly<Record<FiscalPaymentType, number>> = {
  cash: 1,
  card: 2,
  prepaid: 3,
  credit: 4,
  other: 5,
};

export function paymentCommand(password: number, type: number, sum: number): Buffer {
  return encodeCommand(password, Command.Payment, Buffer.concat([Buffer.of(0, type), encodeBcd(sum, 5)]));
}

export function parsePaymentParams(params: Buffer): { type: number; sum: number } | null {
  if (params.length !== 7) return null;
  try {
    return { type: params[1]!, sum: decodeBcd(params.subarray(2)) };
  } catch {
    return null;
  }
}

export function encodePaymentReply(remainder: number, change: number): Buffer {
  return okReply(Buffer.concat([encodeBcd(remainder, 5), encodeBcd(change, 5)]));
}

export function parsePaymentReply(reply: Buffer): { remainder: number; change: number } {
  const data = replyData(reply, 'payment');
  return { remainder: bcdField(data, 0, 5, 'payment'), change: bcdField(data, 5, 5, 'payment') };
}
