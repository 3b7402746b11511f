// Opens a real serial port (or pty) as a self-reopening ByteLink.

import { SerialPort } from 'serialport';
import { type PortOpener, ReopeningPort, type ReopeningPortOptions } from './reopening-port.js';

export function serialPortOpener(path: string, baudRate: number): PortOpener {
  return (events) =>
    new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, autoOpen: false });
      port.open((openError) => {
        if (openError) {
          reject(openError);
          return;
        }
        let closed = false;
        const closedOnce = (reason: Error | null | undefined) => {
          if (closed) return;
          closed = true;
          events.onClosed(reason ?? new Error(`${path} closed`));
        };
        port.on('data', (chunk: Buffer) => events.onData(chunk));
        port.on('close', closedOnce);
        port.on('error', closedOnce);
        resolve({
          write: (bytes) => {
            port.write(bytes);
          },
          close: () =>
            new Promise<void>((done) => {
              closed = true;
              if (!port.isOpen) return done();
              port.close(() => done());
            }),
        });
      });
    });
}

/** Opens `path` now and keeps reopening it with backoff whenever it goes away (unplug). */
export function openPort(path: string, baudRate: number, options: ReopeningPortOptions = {}): ReopeningPort {
  const port = new ReopeningPort(serialPortOpener(path, baudRate), options);
  port.start();
  return port;
}
