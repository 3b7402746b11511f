// A ByteLink over a port that can vanish (USB unplug, socat killed): when the port closes or
// fails it is reopened with exponential backoff until stop(); listeners hear down/up.

import { type BackoffOptions, backoffDelay } from './backoff.js';
import type { ByteLink } from './byte-link.js';
import { Listeners } from './listeners.js';

/** An open port as the reopening wrapper needs it. */
export interface RawPort {
  write(bytes: Buffer): void;
  close(): Promise<void>;
}

export interface RawPortEvents {
  onData(chunk: Buffer): void;
  /** Called once when the port closed or failed on its own. */
  onClosed(reason: Error): void;
}

export type PortOpener = (events: RawPortEvents) => Promise<RawPort>;

export interface ReopeningPortOptions extends BackoffOptions {
  /** Told about every failed open / loss (for logs); never throws into the port. */
  onError?: (error: Error) => void;
}

export class ReopeningPort implements ByteLink {
  private port: RawPort | null = null;
  private running = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Bumps on every open attempt so events of an abandoned port are ignored. */
  private generation = 0;
  private readonly data = new Listeners<[Buffer]>();
  private readonly up = new Listeners<[]>();
  private readonly down = new Listeners<[Error]>();

  constructor(
    private readonly opener: PortOpener,
    private readonly options: ReopeningPortOptions = {},
  ) {}

  get isUp(): boolean {
    return this.port !== null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    clearTimeout(this.retryTimer);
    const port = this.port;
    this.port = null;
    if (port) {
      this.down.emit(new Error('port stopped'));
      await port.close().catch(() => undefined);
    }
  }

  write(bytes: Uint8Array): boolean {
    if (!this.port) return false;
    this.port.write(Buffer.from(bytes));
    return true;
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.data.add(listener);
  }

  onUp(listener: () => void): () => void {
    return this.up.add(listener);
  }

  onDown(listener: (reason: Error) => void): () => void {
    return this.down.add(listener);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const generation = ++this.generation;
    try {
      const port = await this.opener({
        onData: (chunk) => generation === this.generation && this.data.emit(chunk),
        onClosed: (reason) => generation === this.generation && this.lost(reason),
      });
      if (generation !== this.generation) {
        await port.close().catch(() => undefined);
        return;
      }
      this.port = port;
      this.attempt = 0;
      this.up.emit();
    } catch (error) {
      if (generation !== this.generation) return;
      this.options.onError?.(asError(error));
      this.scheduleReconnect();
    }
  }

  private lost(reason: Error): void {
    const port = this.port;
    this.port = null;
    this.generation++;
    this.options.onError?.(reason);
    if (port) {
      void port.close().catch(() => undefined);
      this.down.emit(reason);
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    clearTimeout(this.retryTimer);
    const delay = backoffDelay(this.attempt++, this.options);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
