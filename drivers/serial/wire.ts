// One direction of a simulated serial line: chunks arrive in order, each after the time its
// bytes need on the wire (10 bits per byte: start, 8 data, stop) once the line is free.

export class WireDirection {
  private readonly queue: { at: number; bytes: Buffer }[] = [];
  private lineFreeAt = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  bytesCarried = 0;

  /** @param baudRate 0 = deliver on the next turn of the event loop, without wire time. */
  constructor(
    private readonly baudRate: number,
    private readonly deliver: (bytes: Buffer) => void,
  ) {}

  send(bytes: Buffer): void {
    this.bytesCarried += bytes.length;
    const now = performance.now();
    const start = Math.max(now, this.lineFreeAt);
    const at = this.baudRate > 0 ? start + (bytes.length * 10 * 1000) / this.baudRate : now;
    this.lineFreeAt = at;
    this.queue.push({ at, bytes });
    if (this.timer === undefined) this.schedule();
  }

  /** Drops what is still on the wire (the cable was pulled). */
  clear(): void {
    this.queue.length = 0;
    this.lineFreeAt = 0;
    this.cancel();
  }

  private schedule(): void {
    const head = this.queue[0];
    if (!head) return;
    const wait = head.at - performance.now();
    // setTimeout has millisecond granularity; the last stretch is waited out with setImmediate
    // so the simulated line is not slower than the real one.
    this.timer = wait > 2 ? setTimeout(() => this.pump(), wait - 1.5) : setImmediate(() => this.pump());
  }

  private pump(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.at <= now) this.deliver(this.queue.shift()!.bytes);
    this.schedule();
  }

  private cancel(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }
}
