// Big-endian packed BCD, the number format of ATOL commands: 1234 in 3 bytes = 00 12 34.

export function encodeBcd(value: number, byteLength: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`BCD needs a non-negative integer, got ${value}`);
  const digits = value.toString();
  if (digits.length > byteLength * 2) throw new RangeError(`${value} does not fit ${byteLength} BCD bytes`);
  const padded = digits.padStart(byteLength * 2, '0');
  const out = Buffer.alloc(byteLength);
  for (let i = 0; i < byteLength; i++) {
    out[i] = (Number(padded[2 * i]) << 4) | Number(padded[2 * i + 1]);
  }
  return out;
}

export function decodeBcd(bytes: Uint8Array): number {
  if (bytes.length > 7) throw new RangeError('BCD longer than 7 bytes would lose precision');
  let value = 0;
  for (const byte of bytes) {
    const high = byte >> 4;
    const low = byte & 0x0f;
    if (high > 9 || low > 9) throw new RangeError(`not a BCD byte: 0x${byte.toString(16)}`);
    value = value * 100 + high * 10 + low;
  }
  return value;
}
