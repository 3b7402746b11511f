// Text encoding of the register (DOS Cyrillic, code page 866).

// Characters 0x80..0xFF in order.
const HIGH_HALF =
  'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ' +
  'абвгдежзийклмноп' +
  '░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'рстуфхцчшщъыьэюя' +
  'ЁёЄєЇїЎў°∙·√№¤■\u00a0';

const ENCODE = new Map<string, number>();
for (let i = 0; i < HIGH_HALF.length; i++) ENCODE.set(HIGH_HALF[i]!, 0x80 + i);

/** Stands in for characters that code page 866 cannot show. */
export const CP866_REPLACEMENT = 0x3f; // '?'

export function encodeCp866(text: string): Buffer {
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else out.push(ENCODE.get(char) ?? CP866_REPLACEMENT);
  }
  return Buffer.from(out);
}

export function decodeCp866(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : HIGH_HALF[byte - 0x80]!;
  return text;
}
