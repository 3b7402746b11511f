// A barcode/QR scanner or card reader on a serial port (COM / USB-CDC mode). Reads codes through
// the framing parser, classifies them and emits `scan` events; when the device is unplugged the
// port closes and the scanner opens it again with a growing delay until it is back.
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { classifyCode, type Scan, type ScanClassifier } from './classify.js';
import { ScanFrameParser } from './framing.js';

/**
 * Opens the port and resolves once it is readable — the serial helper of drivers/serial, a
 * `SerialPortStream` over a mock binding, or an in-memory stream in tests.
 */
export type PortOpener = () => Promise<Readable> | Readable;

export interface SerialScannerOptions {
  open: PortOpener;
  classify?: ScanClassifier;
  interByteTimeoutMs?: number;
  /** Reopen delay after an unplug: starts at `initialMs`, doubles, stays at `maxMs`. */
  reopen?: { initialMs?: number; maxMs?: number };
}

export type ScannerState = 'opening' | 'open' | 'waiting' | 'stopped';

export interface UnrecognizedScan {
  raw: string;
  /** A domain error code (e.g. CARD_INVALID) or NOT_A_LOYALTY_CODE. */
  reason: string;
}

interface ScannerEvents {
  scan: [Scan];
  unrecognized: [UnrecognizedScan];
  state: [ScannerState];
  /** Port errors; informational — the scanner keeps trying on its own. */
  fault: [Error];
}

export class SerialScanner extends EventEmitter<ScannerEvents> {
  private readonly classify: ScanClassifier;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private delayMs: number;
  private port: Readable | null = null;
  private parser: ScanFrameParser | null = null;
  private reopenTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  private current: ScannerState = 'stopped';

  constructor(private readonly options: SerialScannerOptions) {
    super();
    this.classify = options.classify ?? classifyCode;
    this.initialDelayMs = options.reopen?.initialMs ?? 500;
    this.maxDelayMs = options.reopen?.maxMs ?? 10_000;
    this.delayMs = this.initialDelayMs;
  }

  get state(): ScannerState {
    return this.current;
  }

  /** Opens the port; a port that is not there yet is retried in the background. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.openOnce();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    this.detach();
    this.setState('stopped');
  }

  private async openOnce(): Promise<void> {
    this.setState('opening');
    let port: Readable;
    try {
      port = await this.options.open();
    } catch (err) {
      this.emit('fault', asError(err));
      this.scheduleReopen();
      return;
    }
    if (this.stopped) {
      port.destroy();
      return;
    }
    this.attach(port);
  }

  private attach(port: Readable): void {
    const parser = new ScanFrameParser({ interByteTimeoutMs: this.options.interByteTimeoutMs });
    this.port = port;
    this.parser = parser;
    parser.on('data', (code: string) => this.handleCode(code));
    port.on('data', (chunk: Buffer) => parser.write(chunk));
    port.on('error', (err: Error) => this.emit('fault', err));
    // serialport closes the stream with err.disconnected on unplug; any close we did not ask
    // for means the device is gone.
    const lost = () => {
      if (this.port !== port) return;
      this.detach();
      if (!this.stopped) this.scheduleReopen();
    };
    port.once('close', lost);
    port.once('end', lost);
    this.delayMs = this.initialDelayMs;
    this.setState('open');
  }

  private detach(): void {
    const port = this.port;
    const parser = this.parser;
    this.port = null;
    this.parser = null;
    // A half-received code at unplug is garbage: drop it rather than flush it.
    parser?.destroy();
    if (port && !port.destroyed) port.destroy();
  }

  private scheduleReopen(): void {
    if (this.stopped || this.reopenTimer) return;
    this.setState('waiting');
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.maxDelayMs);
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      if (!this.stopped) void this.openOnce();
    }, delay);
  }

  private handleCode(raw: string): void {
    let scan: Scan | null;
    try {
      scan = this.classify(raw);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      this.emit('unrecognized', { raw, reason: typeof code === 'string' ? code : 'NOT_A_LOYALTY_CODE' });
      return;
    }
    if (scan) this.emit('scan', scan);
    else this.emit('unrecognized', { raw, reason: 'NOT_A_LOYALTY_CODE' });
  }

  private setState(state: ScannerState): void {
    if (this.current === state) return;
    this.current = state;
    this.emit('state', state);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
