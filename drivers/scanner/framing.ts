// Splits the byte stream of a scanner in COM (USB-CDC) mode into codes. Each code normally ends
// with CR or CR LF; some scanners are configured without a terminator, so a code is also
// complete after a short silence (inter-byte timeout). GS (0x1D) is data — GS1 DataMatrix and
// marked-goods codes carry it as a field separator — and must survive.
import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;
/** Control bytes that are part of GS1 / ISO 15434 payloads; every other control byte is line noise. */
const KEPT_CONTROLS = new Set([0x1d /* GS */, 0x1e /* RS */, 0x04 /* EOT */]);

export interface FramingOptions {
  /** Silence after which bytes without a terminator count as a whole code. */
  interByteTimeoutMs?: number;
  /** A "code" longer than this is garbage (a scanner stuck sending, wrong baud rate) and is dropped. */
  maxLength?: number;
}

/** The timer-free part: bytes in, complete codes out. */
export class ScanFramer {
  private pending: number[] = [];
  private afterCr = false;
  /** After an overflow the rest of that "code" is skipped up to the next terminator or silence. */
  private discarding = false;
  /** Codes thrown away for exceeding maxLength. */
  overflows = 0;

  constructor(private readonly maxLength = 4096) {}

  push(chunk: Uint8Array): string[] {
    const codes: string[] = [];
    for (const byte of chunk) {
      const lfOfCrLf = byte === LF && this.afterCr;
      this.afterCr = byte === CR;
      if (lfOfCrLf) continue;
      if (byte === CR || byte === LF) {
        const code = this.take();
        if (code) codes.push(code);
        continue;
      }
      if ((byte < 0x20 && !KEPT_CONTROLS.has(byte)) || byte === 0x7f) continue;
      if (this.discarding) continue;
      if (this.pending.length >= this.maxLength) {
        this.pending = [];
        this.discarding = true;
        this.overflows++;
        continue;
      }
      this.pending.push(byte);
    }
    return codes;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** The bytes received since the last terminator as a code, or null when they hold nothing. */
  take(): string | null {
    const bytes = Buffer.from(this.pending);
    this.pending = [];
    this.discarding = false;
    // Scanners send ASCII or UTF-8; a broken sequence becomes U+FFFD instead of throwing.
    const text = bytes.toString('utf8').replace(/^ +| +$/g, '');
    return text.length > 0 ? text : null;
  }
}

/**
 * A stream stage: pipe the port into it and read complete codes (strings, object mode). The
 * timer is re-armed by every chunk, so a code split across chunks is still one code.
 */
export class ScanFrameParser extends Transform {
  private readonly framer: ScanFramer;
  private readonly timeoutMs: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(options: FramingOptions = {}) {
    super({ readableObjectMode: true });
    this.framer = new ScanFramer(options.maxLength);
    this.timeoutMs = options.interByteTimeoutMs ?? 50;
  }

  get overflows(): number {
    return this.framer.overflows;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.disarm();
    for (const code of this.framer.push(chunk)) this.push(code);
    if (this.framer.hasPending) {
      this.timer = setTimeout(() => {
        this.timer = null;
        const code = this.framer.take();
        if (code) this.push(code);
      }, this.timeoutMs);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.disarm();
    const code = this.framer.take();
    if (code) this.push(code);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.disarm();
    callback(error);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
