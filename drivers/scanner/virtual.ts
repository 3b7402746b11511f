// A scanner without hardware: turns codes into the bytes a COM-mode scanner would send, so the
// tests and the demo drive SerialScanner through the same framing as a real device.
import { PassThrough } from 'node:stream';

export type Terminator = 'CR' | 'CRLF' | 'none';

export interface VirtualScanOptions {
  terminator?: Terminator;
  /** Split the bytes into chunks of this size, as a USB-serial adapter does. */
  chunkSize?: number;
}

/** Where the bytes go: a PassThrough the scanner reads, or a mock binding's `emitData`. */
export type ByteSink = (bytes: Buffer) => void;

export class VirtualScanner {
  constructor(private readonly sink: ByteSink) {}

  /** A virtual scanner wired to a fresh in-memory stream; give `stream` to SerialScanner. */
  static withStream(): { scanner: VirtualScanner; stream: PassThrough } {
    const stream = new PassThrough();
    return { scanner: new VirtualScanner((bytes) => stream.write(bytes)), stream };
  }

  /** Sends one code. Text is UTF-8; GS and other control characters pass as they are. */
  scan(code: string, options: VirtualScanOptions = {}): void {
    const terminator = options.terminator ?? 'CR';
    const suffix = terminator === 'CR' ? '\r' : terminator === 'CRLF' ? '\r\n' : '';
    const bytes = Buffer.from(code + suffix, 'utf8');
    const size = options.chunkSize && options.chunkSize > 0 ? options.chunkSize : bytes.length;
    for (let i = 0; i < bytes.length; i += size) this.sink(bytes.subarray(i, i + size));
  }

  /** Raw bytes, for noise and fault injection. */
  sendBytes(bytes: Buffer | number[]): void {
    this.sink(Buffer.from(bytes));
  }
}
