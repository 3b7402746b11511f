// Code page 866 ("DOS Cyrillic"), the text of the fiscal register's commands and of CD5220-class
// customer displays. One rule for both: text never becomes a command. Printable ASCII and the
// whole upper half of the table pass; control characters (0x00..0x1F, 0x7F) and anything the page
// cannot show (₽, «», €, emoji) become '?'. A line feed or ESC inside a product name would
// otherwise end a display line or start a printer command on the wire.

// Characters 0x80..0xFF in order.
const HIGH_HALF =
  'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ' +
  'абвгдежзийклмноп' +
  '░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'рстуфхцчшщъыьэюя' +
  'ЁёЄєЇїЎў°∙·√№¤■\u00a0';

const ENCODE = new Map<string, number>();
for (let i = 0; i < HIGH_HALF.length; i++) ENCODE.set(HIGH_HALF[i]!, 0x80 + i);

/** Stands in for characters that code page 866 cannot show and for control characters. */
export const CP866_REPLACEMENT = 0x3f; // '?'

export function encodeCp866(text: string): Buffer {
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) out.push(code);
    else out.push(ENCODE.get(char) ?? CP866_REPLACEMENT);
  }
  return Buffer.from(out);
}

export function decodeCp866(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : HIGH_HALF[byte - 0x80]!;
  return text;
}
