// The one CP866 encoder of the register and the customer display. Expected bytes come from the
// published code page 866 table (IBM/Microsoft), not from the encoder's own table.
import { describe, expect, it } from 'vitest';
import { decodeCp866, encodeCp866 } from '../../../drivers/text/cp866.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('CP866', () => {
  it('encodes the Russian alphabet to the DOS Cyrillic code page', () => {
    expect(encodeCp866('АЯая рё Ё№')).toEqual(hex('80 9F A0 EF 20 E0 F1 20 F0 FC'));
    expect(encodeCp866('АЯаппряЁё№')).toEqual(hex('80 9F A0 AF AF E0 EF F0 F1 FC'));
    expect(encodeCp866('К ОПЛАТЕ')).toEqual(hex('8A 20 8E 8F 8B 80 92 85'));
    expect(decodeCp866(hex('8C AE AB AE AA AE'))).toBe('Молоко');
  });

  it('passes printable ASCII and the box-drawing half of the table', () => {
    expect(encodeCp866('Ab1,+ ~').toString('latin1')).toBe('Ab1,+ ~');
    expect(encodeCp866('░│┼█▀\u00a0')).toEqual(hex('B0 B3 C5 DB DF FF'));
  });

  it('never lets a control byte onto the wire: control characters become ?', () => {
    // CR ends a CD5220 line, ESC starts a display command, LF/TAB/NUL/DEL mean things to a printer.
    expect(encodeCp866('a\rb\x1bc\nd\te\x00f\x7f')).toEqual(hex('61 3F 62 3F 63 3F 64 3F 65 3F 66 3F'));
  });

  it('replaces what code page 866 cannot show with ?', () => {
    expect(encodeCp866('₽€«»—😀')).toEqual(hex('3F 3F 3F 3F 3F 3F'));
  });

  it('round-trips every printable byte value', () => {
    const printable = Array.from({ length: 256 }, (_, i) => i).filter((i) => i >= 0x20 && i !== 0x7f);
    const bytes = Buffer.from(printable);
    expect(encodeCp866(decodeCp866(bytes))).toEqual(bytes);
  });
});
