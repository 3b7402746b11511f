// Device info (A5). Reply data after `55 00 00` (check): protocol | type | model | mode 2 |
// version major | version minor | build BCD2 | name (CP866).

import { decodeCp866, encodeCp866 } from '../../text/cp866.js';
import { encodeBcd } from '../transport/bcd.js';
import { Command } from './codes.js';
import { bcdField, encodeCommand, field, okReply, replyData } from './envelope.js';

export interface DeviceInfo {
  protocol: number;
  type: number;
  model: number;
  version: string;
  name: string;
}

export function deviceInfoCommand(password: number): Buffer {
  return encodeCommand(password, Command.DeviceInfo);
}

export function encodeDeviceInfoReply(info: DeviceInfo): Buffer {
  const [major = 0, minor = 0, build = 0] = info.version.split('.').map(Number);
  return okReply(
    Buffer.concat([
      Buffer.of(info.protocol, info.type, info.model, 0, 0, major, minor),
      encodeBcd(build, 2),
      encodeCp866(info.name),
    ]),
  );
}

export function parseDeviceInfoReply(reply: Buffer): DeviceInfo {
  const context = 'device info';
  const data = replyData(reply, context);
  const head = field(data, 0, 7, context);
  return {
    protocol: head[0]!,
    type: head[1]!,
    model: head[2]!,
    version: `${head[5]}.${head[6]}.${bcdField(data, 7, 2, context)}`,
    name: decodeCp866(data.subarray(9)),
  };
}
