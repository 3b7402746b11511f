// A barcode/QR scanner or card reader on a serial port (COM / USB-CDC mode). Reads codes through
// the framing parser, has the host's classifier say what they mean and emits `scan` events. The
// port is a ByteLink from the serial helper (drivers/serial: openPort / ReopeningPort reopen it
// after an unplug), or any stream through streamLink().
import { EventEmitter } from 'node:events';
import type { ByteLink } from '../serial/byte-link.js';
import { ScanFrameParser } from './framing.js';
import type { Scan, ScanClassifier } from './scan.js';

export interface SerialScannerOptions {
  link: ByteLink;
  /** What a code means (the agent passes its domain rules); the driver only reads and frames. */
  classify: ScanClassifier;
  interByteTimeoutMs?: number;
}

export type ScannerState = 'stopped' | 'opening' | 'open' | 'waiting';

export interface UnrecognizedScan {
  raw: string;
  /** A domain error code (e.g. CARD_INVALID) or NOT_A_LOYALTY_CODE. */
  reason: string;
}

interface ScannerEvents {
  scan: [Scan];
  unrecognized: [UnrecognizedScan];
  state: [ScannerState];
  /** Why the port went away; informational — the link reopens it on its own. */
  fault: [Error];
}

export class SerialScanner extends EventEmitter<ScannerEvents> {
  private readonly classify: ScanClassifier;
  private parser: ScanFrameParser | null = null;
  private unsubscribe: (() => void)[] = [];
  private current: ScannerState = 'stopped';

  constructor(private readonly options: SerialScannerOptions) {
    super();
    this.classify = options.classify;
  }

  get state(): ScannerState {
    return this.current;
  }

  /** Starts reading; a port that is not there yet is opened by the link when it appears. */
  start(): void {
    if (this.current !== 'stopped') return;
    const { link } = this.options;
    this.setState('opening');
    this.unsubscribe = [
      link.onUp(() => this.connected()),
      link.onDown((reason) => this.lost(reason)),
      link.onData((chunk) => this.parser?.write(chunk)),
    ];
    link.start();
    if (link.isUp) this.connected();
  }

  async stop(): Promise<void> {
    if (this.current === 'stopped') return;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.dropParser();
    this.setState('stopped');
    await this.options.link.stop();
  }

  private connected(): void {
    if (this.parser) return;
    const parser = new ScanFrameParser({ interByteTimeoutMs: this.options.interByteTimeoutMs });
    parser.on('data', (code: string) => this.handleCode(code));
    this.parser = parser;
    this.setState('open');
  }

  private lost(reason: Error): void {
    // A half-received code at unplug is garbage: drop it rather than flush it.
    this.dropParser();
    this.emit('fault', reason);
    this.setState('waiting');
  }

  private dropParser(): void {
    this.parser?.destroy();
    this.parser = null;
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
