// The customer-facing 2×20 display: what to pay, the discount and the points earned.
import type { ByteLink } from '../serial/byte-link.js';
import { clearCommand, DISPLAY_WIDTH, initCommand, lowerLineCommand, upperLineCommand } from './commands.js';

/** The part of a serial port (or any Writable) the display needs. */
export interface DisplayPort {
  write(data: Buffer, callback: (error?: Error | null) => void): unknown;
}

/** What the customer sees of a receipt, as plain integers (the agent maps its totals to this). */
export interface ReceiptSummary {
  /** Kopecks. */
  toPay: number;
  /** Kopecks. */
  discount: number;
  /** Whole points. */
  accruedPoints: number;
}

export class CustomerDisplay {
  /** What the customer should be seeing, so a replugged display can be put back in that state. */
  private lines: { upper: string; lower: string } | null = null;

  constructor(private readonly port: DisplayPort) {}

  /**
   * A display on a self-reopening serial link (drivers/serial): after every (re)connect it is
   * reset and shows the last lines again. Writes while the link is down reject, but the lines are
   * still kept for the replug.
   */
  static overLink(link: ByteLink): CustomerDisplay {
    const display = new CustomerDisplay({
      write: (data, callback) => callback(link.write(data) ? null : new Error('the display port is down')),
    });
    link.onUp(() => {
      display.resync().catch(() => {
        // Lost again at once: the next onUp tries again.
      });
    });
    return display;
  }

  /** Resets the display and blanks it (call after opening or reopening the port). */
  init(): Promise<void> {
    return this.send(Buffer.concat([initCommand(), clearCommand()]));
  }

  /** Reset, then the last lines shown (if any) — the device lost its state while unplugged. */
  resync(): Promise<void> {
    const frames = [initCommand(), clearCommand()];
    if (this.lines) frames.push(this.linesFrame(this.lines.upper, this.lines.lower));
    return this.send(Buffer.concat(frames));
  }

  clear(): Promise<void> {
    this.lines = null;
    return this.send(clearCommand());
  }

  /** Both lines, each padded or cut to 20 characters so the previous text never shows through. */
  show(upper: string, lower: string): Promise<void> {
    this.lines = { upper, lower };
    return this.send(this.linesFrame(upper, lower));
  }

  /** "К ОПЛАТЕ      732,71" over "СКИДКА 43,04    Б+77". */
  showReceipt(summary: ReceiptSummary): Promise<void> {
    const lines = formatReceiptLines(summary);
    return this.show(lines.upper, lines.lower);
  }

  private linesFrame(upper: string, lower: string): Buffer {
    return Buffer.concat([upperLineCommand(fitLine(upper)), lowerLineCommand(fitLine(lower))]);
  }

  private send(frame: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.port.write(frame, (err) => (err ? reject(err) : resolve()));
    });
  }
}

/** Pads with spaces or cuts to exactly the display width (counted in characters, not bytes). */
export function fitLine(text: string): string {
  const chars = Array.from(text);
  return chars.length >= DISPLAY_WIDTH ? chars.slice(0, DISPLAY_WIDTH).join('') : text.padEnd(DISPLAY_WIDTH);
}

export function formatReceiptLines(summary: ReceiptSummary): { upper: string; lower: string } {
  assertWhole('toPay', summary.toPay);
  assertWhole('discount', summary.discount);
  assertWhole('accruedPoints', summary.accruedPoints);
  const upper = spread(['К ОПЛАТЕ', 'ИТОГО', ''], formatRubles(summary.toPay));
  // The lower line is only about loyalty: nothing to say → blank rather than "СКИДКА 0,00".
  const points = summary.accruedPoints > 0 ? `Б+${summary.accruedPoints}` : '';
  let lower = points;
  if (summary.discount > 0) lower = spread(['СКИДКА', 'СК', ''], formatRubles(summary.discount), points);
  return { upper, lower };
}

/**
 * Label on the left, value on the right; falls back to shorter labels and then drops the
 * thousands grouping when a big number would not fit in 20 characters.
 */
function spread(labels: string[], amount: { grouped: string; plain: string }, tail = ''): string {
  for (const value of [amount.grouped, amount.plain]) {
    for (const label of labels) {
      const left = [label, tail ? value : ''].filter(Boolean).join(' ');
      const right = tail || value;
      const used = left.length + right.length + (left ? 1 : 0);
      if (used <= DISPLAY_WIDTH) return left + ' '.repeat(DISPLAY_WIDTH - used + (left ? 1 : 0)) + right;
    }
  }
  // Not even the bare numbers fit: show the beginning rather than overflow onto the next line.
  return fitLine(`${amount.plain} ${tail}`.trim());
}

/** Kopecks as Russian rubles: 1234567 → "12 345,67" (grouped) and "12345,67" (plain). */
export function formatRubles(kopecks: number): { grouped: string; plain: string } {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  const rubles = String(Math.floor(abs / 100));
  const cents = String(abs % 100).padStart(2, '0');
  const grouped = rubles.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return { grouped: `${sign}${grouped},${cents}`, plain: `${sign}${rubles},${cents}` };
}

function assertWhole(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
}
