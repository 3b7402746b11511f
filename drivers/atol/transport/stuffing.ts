// Byte stuffing of the DATA and CRC fields so that STX (0xFE) never appears inside a frame:
// FE -> FD EE, FD -> FD ED.

export const STX = 0xfe;
export const ESC = 0xfd;
const ESCAPED_STX = 0xee;
const ESCAPED_ESC = 0xed;

export class StuffingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StuffingError';
  }
}

export function stuffBytes(bytes: Uint8Array): Buffer {
  const out: number[] = [];
  for (const byte of bytes) {
    if (byte === STX) out.push(ESC, ESCAPED_STX);
    else if (byte === ESC) out.push(ESC, ESCAPED_ESC);
    else out.push(byte);
  }
  return Buffer.from(out);
}

/** Maps the byte following an ESC back to the original byte, or null when the pair is invalid. */
export function unescapeByte(escaped: number): number | null {
  if (escaped === ESCAPED_STX) return STX;
  if (escaped === ESCAPED_ESC) return ESC;
  return null;
}

export function unstuffBytes(bytes: Uint8Array): Buffer {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === STX) throw new StuffingError(`unescaped STX at offset ${i}`);
    if (byte !== ESC) {
      out.push(byte);
      continue;
    }
    const next = bytes[i + 1];
    const original = next === undefined ? null : unescapeByte(next);
    if (original === null) throw new StuffingError(`invalid escape sequence at offset ${i}`);
    out.push(original);
    i++;
  }
  return Buffer.from(out);
}
