// CD5220 command frames (DEVICES.md): a 2×20 customer display on a 9600 8N1 serial line.
import { encodeCp866 } from '../text/cp866.js';

const ESC = 0x1b;
const CR = 0x0d;

/** Characters per line of a CD5220. */
export const DISPLAY_WIDTH = 20;

/** ESC @ — reset the display to its power-on state. */
export function initCommand(): Buffer {
  return Buffer.from([ESC, 0x40]);
}

/** FF — clear both lines. */
export function clearCommand(): Buffer {
  return Buffer.from([0x0c]);
}

/** ESC Q A text CR — replace the upper line. The caller sizes the text (see fitLine). */
export function upperLineCommand(text: string): Buffer {
  return lineCommand(0x41, text);
}

/** ESC Q B text CR — replace the lower line. */
export function lowerLineCommand(text: string): Buffer {
  return lineCommand(0x42, text);
}

function lineCommand(line: 0x41 | 0x42, text: string): Buffer {
  return Buffer.concat([Buffer.from([ESC, 0x51, line]), encodeCp866(text), Buffer.from([CR])]);
}
