// Any readable stream as a self-reopening ByteLink: a serialport stream over a mock binding, a
// PassThrough in tests. Reopening and backoff are the serial helper's (drivers/serial).
import type { Readable, Writable } from 'node:stream';
import { ReopeningPort, type ReopeningPortOptions } from '../serial/reopening-port.js';

/** Resolves with an open stream; called again after every loss. */
export type StreamOpener = () => Promise<Readable> | Readable;

export function streamLink(open: StreamOpener, options: ReopeningPortOptions = {}): ReopeningPort {
  return new ReopeningPort(async (events) => {
    const stream = await open();
    let closedByUs = false;
    let reported = false;
    const lost = (reason: Error) => {
      if (closedByUs || reported) return;
      reported = true;
      events.onClosed(reason);
    };
    stream.on('data', (chunk: Buffer) => events.onData(chunk));
    stream.on('error', (err: Error) => lost(err));
    stream.on('close', () => lost(new Error('port closed')));
    stream.on('end', () => lost(new Error('port ended')));
    return {
      write: (bytes) => {
        const writable = stream as Readable & Partial<Pick<Writable, 'write'>>;
        writable.write?.(bytes);
      },
      close: async () => {
        closedByUs = true;
        stream.destroy();
      },
    };
  }, options);
}
