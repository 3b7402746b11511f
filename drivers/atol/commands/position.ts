// Position registration for FFD 1.05+: begin (EA), then register (EB) with
// flags | price BCD7 | qty BCD5 (×1000) | amount BCD7 | tax rate | tax sum BCD7 (0 = register
// computes) | section | tag 1212 | tag 1214 | discount sign | discount BCD7 | name (CP866).
// Prices are already after discount, so the discount field stays 0.

import type { TaxRate } from '../../register/types.js';
import { decodeCp866, encodeCp866 } from '../../text/cp866.js';
import { decodeBcd, encodeBcd } from '../transport/bcd.js';
import { Command } from './codes.js';
import { encodeCommand } from './envelope.js';

/** Tax rate codes as in FFD tag 1199. */
export const TAX_RATE_CODE: Readonly<Record<TaxRate, number>> = { vat20: 1, vat10: 2, vat0: 5, none: 6 };
/** Tag 1212 "subject of calculation": 1 = commodity. */
export const SUBJECT_COMMODITY = 1;
/** Tag 1214 "method of calculation": 4 = full payment. */
export const METHOD_FULL_PAYMENT = 4;
/** Names longer than this are cut (check: the FN accepts 128 characters). */
export const MAX_POSITION_NAME = 128;
const FIXED_PART = 1 + 7 + 5 + 7 + 1 + 7 + 1 + 1 + 1 + 1 + 7;

export interface PositionParams {
  name: string;
  /** Kopecks per unit. */
  price: number;
  /** Quantity in thousandths (1 piece = 1000). */
  qtyMilli: number;
  amount: number;
  taxRate: number;
  section: number;
}

export function beginPositionCommand(password: number): Buffer {
  return encodeCommand(password, Command.BeginPosition);
}

export function registerPositionCommand(password: number, p: PositionParams): Buffer {
  return encodeCommand(
    password,
    Command.RegisterPosition,
    Buffer.concat([
      Buffer.of(0),
      encodeBcd(p.price, 7),
      encodeBcd(p.qtyMilli, 5),
      encodeBcd(p.amount, 7),
      Buffer.of(p.taxRate),
      encodeBcd(0, 7),
      Buffer.of(p.section, SUBJECT_COMMODITY, METHOD_FULL_PAYMENT, 0),
      encodeBcd(0, 7),
      encodeCp866(p.name.slice(0, MAX_POSITION_NAME)),
    ]),
  );
}

export function parseRegisterPositionParams(params: Buffer): PositionParams | null {
  if (params.length < FIXED_PART) return null;
  try {
    return {
      price: decodeBcd(params.subarray(1, 8)),
      qtyMilli: decodeBcd(params.subarray(8, 13)),
      amount: decodeBcd(params.subarray(13, 20)),
      taxRate: params[20]!,
      section: params[28]!,
      name: decodeCp866(params.subarray(FIXED_PART)),
    };
  } catch {
    return null;
  }
}
