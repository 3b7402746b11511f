// The byte pipe a device driver talks through: a serial port that reopens itself, an in-memory
// pair in tests and in the simulator. Drivers never see which one they got.

export interface ByteLink {
  /** Starts the link; it keeps itself up (reopening after a loss) until stop(). Idempotent. */
  start(): void;
  stop(): Promise<void>;
  readonly isUp: boolean;
  /** Queues bytes for sending; false when the link is down and the bytes were dropped. */
  write(bytes: Uint8Array): boolean;
  onData(listener: (chunk: Buffer) => void): () => void;
  onUp(listener: () => void): () => void;
  onDown(listener: (reason: Error) => void): () => void;
}
