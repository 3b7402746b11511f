// CRC-8 of ATOL protocol v3 frames: polynomial 0x31, initial value 0xFF, MSB first,
// no reflection and no final XOR.

const POLYNOMIAL = 0x31;
export const CRC8_INIT = 0xff;

const TABLE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x80 ? ((crc << 1) ^ POLYNOMIAL) & 0xff : (crc << 1) & 0xff;
    }
    table[byte] = crc;
  }
  return table;
})();

/** Continues a CRC over `bytes`; pass the previous result as `crc` to chain several buffers. */
export function crc8(bytes: Uint8Array, crc: number = CRC8_INIT): number {
  let value = crc & 0xff;
  for (const byte of bytes) value = TABLE[value ^ byte]!;
  return value;
}
