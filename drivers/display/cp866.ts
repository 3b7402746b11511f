// CP866 ("DOS Cyrillic") is what CD5220-class customer displays render. Only the characters a
// Russian till shows are mapped; anything else becomes '?' so a stray symbol can never turn
// into a control byte on the wire.

const UNKNOWN = 0x3f; // '?'

/** Unicode code point → CP866 byte for the upper half of the table. */
const HIGH_HALF: ReadonlyMap<number, number> = buildHighHalf();

function buildHighHalf(): Map<number, number> {
  const map = new Map<number, number>();
  // А..Я (U+0410..U+042F) → 0x80..0x9F; а..п (U+0430..U+043F) → 0xA0..0xAF; р..я (U+0440..U+044F) → 0xE0..0xEF.
  for (let i = 0; i < 32; i++) map.set(0x0410 + i, 0x80 + i);
  for (let i = 0; i < 16; i++) map.set(0x0430 + i, 0xa0 + i);
  for (let i = 0; i < 16; i++) map.set(0x0440 + i, 0xe0 + i);
  const extra: [number, number][] = [
    [0x0401, 0xf0], // Ё
    [0x0451, 0xf1], // ё
    [0x0404, 0xf2], // Є
    [0x0454, 0xf3], // є
    [0x0407, 0xf4], // Ї
    [0x0457, 0xf5], // ї
    [0x040e, 0xf6], // Ў
    [0x045e, 0xf7], // ў
    [0x00b0, 0xf8], // °
    [0x2219, 0xf9], // ∙
    [0x00b7, 0xfa], // ·
    [0x221a, 0xfb], // √
    [0x2116, 0xfc], // №
    [0x00a4, 0xfd], // ¤
    [0x25a0, 0xfe], // ■
    [0x00a0, 0xff], // no-break space
  ];
  for (const [cp, byte] of extra) map.set(cp, byte);
  return map;
}

/** Printable ASCII passes through; control characters and unmapped symbols become '?'. */
export function encodeCp866(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20 && cp < 0x7f) out.push(cp);
    else out.push(HIGH_HALF.get(cp) ?? UNKNOWN);
  }
  return Buffer.from(out);
}
