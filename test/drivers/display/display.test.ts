import { describe, expect, it } from 'vitest';
import {
  clearCommand,
  initCommand,
  lowerLineCommand,
  upperLineCommand,
} from '../../../drivers/display/commands.js';
import {
  CustomerDisplay,
  type DisplayPort,
  fitLine,
  formatReceiptLines,
  formatRubles,
} from '../../../drivers/display/display.js';
import { MemoryPair } from '../../../drivers/serial/memory-pair.js';
import { encodeCp866 } from '../../../drivers/text/cp866.js';

const hex = (b: Buffer) => b.toString('hex').toUpperCase().match(/../g)?.join(' ') ?? '';

class RecordingPort implements DisplayPort {
  readonly frames: Buffer[] = [];
  fail: Error | null = null;
  write(data: Buffer, callback: (error?: Error | null) => void): boolean {
    if (this.fail) {
      queueMicrotask(() => callback(this.fail));
      return false;
    }
    this.frames.push(Buffer.from(data));
    queueMicrotask(() => callback(null));
    return true;
  }
}

describe('CD5220 commands', () => {
  it('builds init, clear, upper and lower frames byte for byte', () => {
    expect(hex(initCommand())).toBe('1B 40');
    expect(hex(clearCommand())).toBe('0C');
    expect(hex(upperLineCommand('Hi'))).toBe('1B 51 41 48 69 0D');
    expect(hex(lowerLineCommand('Да'))).toBe('1B 51 42 84 A0 0D');
  });
});

describe('CustomerDisplay', () => {
  it('init resets and clears the display', async () => {
    const port = new RecordingPort();
    await new CustomerDisplay(port).init();
    expect(port.frames.map(hex)).toEqual(['1B 40 0C']);
  });

  it('show pads short lines to 20 characters and cuts long ones', async () => {
    const port = new RecordingPort();
    await new CustomerDisplay(port).show('ABC', 'Z'.repeat(25));
    const expected = Buffer.concat([
      Buffer.from([0x1b, 0x51, 0x41]),
      Buffer.from(`ABC${' '.repeat(17)}`, 'latin1'),
      Buffer.from([0x0d, 0x1b, 0x51, 0x42]),
      Buffer.from('Z'.repeat(20), 'latin1'),
      Buffer.from([0x0d]),
    ]);
    expect(hex(port.frames[0]!)).toBe(hex(expected));
  });

  it('showReceipt writes the worked example exactly', async () => {
    const port = new RecordingPort();
    await new CustomerDisplay(port).showReceipt({ toPay: 73271, discount: 4304, accruedPoints: 77 });
    const expected = Buffer.concat([
      Buffer.from([0x1b, 0x51, 0x41]),
      encodeCp866('К ОПЛАТЕ      732,71'),
      Buffer.from([0x0d, 0x1b, 0x51, 0x42]),
      encodeCp866('СКИДКА 43,04    Б+77'),
      Buffer.from([0x0d]),
    ]);
    expect(hex(port.frames[0]!)).toBe(hex(expected));
    // Each line is exactly 20 bytes between the command and CR.
    expect(port.frames[0]!.length).toBe(3 + 20 + 1 + 3 + 20 + 1);
  });

  it('rejects when the port write fails (unplugged display)', async () => {
    const port = new RecordingPort();
    port.fail = new Error('Port is not open');
    await expect(new CustomerDisplay(port).show('a', 'b')).rejects.toThrow('Port is not open');
  });
});

describe('receipt formatting', () => {
  it('formats kopecks as rubles with a comma, grouping thousands', () => {
    expect(formatRubles(0)).toEqual({ grouped: '0,00', plain: '0,00' });
    expect(formatRubles(5)).toEqual({ grouped: '0,05', plain: '0,05' });
    expect(formatRubles(123456789)).toEqual({ grouped: '1 234 567,89', plain: '1234567,89' });
  });

  it('keeps every line at most 20 characters, shortening labels for big sums', () => {
    const big = formatReceiptLines({ toPay: 9_999_999_999, discount: 123_456_789, accruedPoints: 99999 });
    expect(big.upper).toBe('ИТОГО  99 999 999,99');
    expect(Array.from(big.upper).length).toBeLessThanOrEqual(20);
    // No label fits beside the sum and the points: the numbers stay whole, the label goes.
    expect(big.lower).toBe('1 234 567,89 Б+99999');
    expect(Array.from(fitLine(big.lower)).length).toBe(20);
  });

  it('leaves out the discount or points when there are none', () => {
    expect(formatReceiptLines({ toPay: 10000, discount: 0, accruedPoints: 0 }).lower).toBe('');
    expect(formatReceiptLines({ toPay: 10000, discount: 0, accruedPoints: 3 }).lower).toBe('Б+3');
    expect(formatReceiptLines({ toPay: 10000, discount: 150, accruedPoints: 0 }).lower).toBe(
      'СКИДКА          1,50',
    );
  });

  it('refuses non-integer money (a float slipped in upstream)', () => {
    expect(() => formatReceiptLines({ toPay: 732.71, discount: 0, accruedPoints: 0 })).toThrow(/toPay/);
  });
});

describe('CustomerDisplay over a reopening link', () => {
  it('resets the display and restores the last lines after an unplug', async () => {
    const pair = new MemoryPair();
    const received: Buffer[] = [];
    pair.device.onData((chunk) => received.push(chunk));
    pair.device.start();
    const display = CustomerDisplay.overLink(pair.host);
    pair.host.start();
    const settle = async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };
    await settle();
    expect(hex(Buffer.concat(received.splice(0)))).toBe('1B 40 0C');

    await display.show('К ОПЛАТЕ', '100,00');
    await settle();
    const linesFrame = Buffer.concat(received.splice(0));
    expect(linesFrame.subarray(0, 3)).toEqual(Buffer.from([0x1b, 0x51, 0x41]));

    pair.unplug();
    await expect(display.show('ИТОГО', '200,00')).rejects.toThrow('the display port is down');
    pair.replug();
    await settle();
    const restored = Buffer.concat(received.splice(0));
    // Reset + clear, then the lines asked for while it was unplugged.
    expect(hex(restored)).toBe(
      hex(
        Buffer.concat([
          Buffer.from([0x1b, 0x40, 0x0c]),
          upperLineCommand(fitLine('ИТОГО')),
          lowerLineCommand(fitLine('200,00')),
        ]),
      ),
    );
    await pair.host.stop();
    await pair.device.stop();
  });
});
