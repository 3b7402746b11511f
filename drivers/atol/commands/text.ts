// Non-fiscal text line (4C text in CP866). Chosen as "print string" (check per model); inside an
// open receipt the line lands in the receipt before its fiscal part.

import { encodeCp866 } from '../../text/cp866.js';
import { Command } from './codes.js';
import { encodeCommand } from './envelope.js';

export function printTextCommand(password: number, text: string): Buffer {
  return encodeCommand(password, Command.PrintText, encodeCp866(text));
}

/** Cuts text into lines of at most `width` characters, breaking at spaces where it can. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let rest = paragraph.trimEnd();
    if (rest === '') lines.push('');
    while (rest.length > 0) {
      if (rest.length <= width) {
        lines.push(rest);
        break;
      }
      const space = rest.lastIndexOf(' ', width);
      const cut = space > 0 ? space : width;
      lines.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
    }
  }
  return lines;
}
