// Enter a register mode (56 mode, mode password BCD4) and leave it (48).

import { decodeBcd, encodeBcd } from '../transport/bcd.js';
import { Command } from './codes.js';
import { encodeCommand } from './envelope.js';

export function enterModeCommand(password: number, mode: number, modePassword: number): Buffer {
  return encodeCommand(
    password,
    Command.EnterMode,
    Buffer.concat([Buffer.of(mode), encodeBcd(modePassword, 4)]),
  );
}

export function parseEnterModeParams(params: Buffer): { mode: number; modePassword: number } | null {
  if (params.length !== 5) return null;
  try {
    return { mode: params[0]!, modePassword: decodeBcd(params.subarray(1)) };
  } catch {
    return null;
  }
}

export function leaveModeCommand(password: number): Buffer {
  return encodeCommand(password, Command.LeaveMode);
}
