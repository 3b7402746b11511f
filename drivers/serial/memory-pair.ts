// Two connected in-memory ByteLinks (host end, device end): the cable between the driver and an
// in-process virtual device. It can be unplugged and replugged, and can take as long as a real
// line at a given baud rate.

import type { ByteLink } from './byte-link.js';
import { Listeners } from './listeners.js';
import { WireDirection } from './wire.js';

export interface MemoryPairOptions {
  /** Simulate wire time at this rate; 0 or absent = no wire time. */
  baudRate?: number;
}

class MemoryEnd implements ByteLink {
  peer!: MemoryEnd;
  started = false;
  /** Whether listeners were told the link is up (so up is announced once per connection). */
  private announced = false;
  readonly wire: WireDirection;
  private readonly data = new Listeners<[Buffer]>();
  private readonly up = new Listeners<[]>();
  private readonly down = new Listeners<[Error]>();

  constructor(
    private readonly pair: MemoryPair,
    baudRate: number,
  ) {
    this.wire = new WireDirection(baudRate, (bytes) => this.peer.receive(bytes));
  }

  get isUp(): boolean {
    return this.started && this.pair.plugged;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.pair.plugged) queueMicrotask(() => this.announceUp());
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    const wasUp = this.isUp;
    this.started = false;
    this.announced = false;
    this.wire.clear();
    if (wasUp) this.down.emit(new Error('link stopped'));
  }

  write(bytes: Uint8Array): boolean {
    if (!this.isUp) return false;
    this.wire.send(Buffer.from(bytes));
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

  receive(bytes: Buffer): void {
    if (this.isUp) this.data.emit(bytes);
  }

  cablePulled(): void {
    this.wire.clear();
    this.announced = false;
    if (this.started) this.down.emit(Object.assign(new Error('device disconnected'), { disconnected: true }));
  }

  cableBack(): void {
    this.announceUp();
  }

  private announceUp(): void {
    if (!this.isUp || this.announced) return;
    this.announced = true;
    this.up.emit();
  }
}

export class MemoryPair {
  readonly host: ByteLink;
  readonly device: ByteLink;
  plugged = true;
  private readonly hostEnd: MemoryEnd;
  private readonly deviceEnd: MemoryEnd;

  constructor(options: MemoryPairOptions = {}) {
    const baud = options.baudRate ?? 0;
    this.hostEnd = new MemoryEnd(this, baud);
    this.deviceEnd = new MemoryEnd(this, baud);
    this.hostEnd.peer = this.deviceEnd;
    this.deviceEnd.peer = this.hostEnd;
    this.host = this.hostEnd;
    this.device = this.deviceEnd;
  }

  /** Bytes sent in both directions so far. */
  get bytesCarried(): number {
    return this.hostEnd.wire.bytesCarried + this.deviceEnd.wire.bytesCarried;
  }

  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    this.hostEnd.cablePulled();
    this.deviceEnd.cablePulled();
  }

  replug(): void {
    if (this.plugged) return;
    this.plugged = true;
    this.hostEnd.cableBack();
    this.deviceEnd.cableBack();
  }
}
