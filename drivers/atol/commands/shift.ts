// Open shift (9A flags) and Z report, which closes the shift (5A).

import { Command } from './codes.js';
import { encodeCommand } from './envelope.js';

export function openShiftCommand(password: number, flags = 0): Buffer {
  return encodeCommand(password, Command.OpenShift, Buffer.of(flags));
}

export function zReportCommand(password: number): Buffer {
  return encodeCommand(password, Command.ZReport);
}
