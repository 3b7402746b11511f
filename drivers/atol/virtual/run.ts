// Runs the virtual register on a real serial port or pty (one end of a socat pair), reopening
// the port whenever it goes away, so "unplugging" (killing socat) is survived like on hardware.

import type { BackoffOptions } from '../../serial/backoff.js';
import { openPort } from '../../serial/open-port.js';
import type { ReopeningPort } from '../../serial/reopening-port.js';
import { VirtualAtol, type VirtualAtolOptions } from './device.js';

export interface RunVirtualAtolOptions extends VirtualAtolOptions {
  baudRate?: number;
  reconnect?: BackoffOptions;
  /** Told when the port comes up or goes down (for logs). */
  onLinkChange?: (up: boolean, reason?: Error) => void;
}

export interface RunningVirtualAtol {
  device: VirtualAtol;
  port: ReopeningPort;
  stop(): Promise<void>;
}

export function runVirtualAtol(portPath: string, opts: RunVirtualAtolOptions = {}): RunningVirtualAtol {
  const { baudRate, reconnect, onLinkChange, ...deviceOptions } = opts;
  const device = new VirtualAtol(deviceOptions);
  const port = openPort(portPath, baudRate ?? 115_200, { ...reconnect });
  const detach = device.attach(port);
  const offUp = port.onUp(() => onLinkChange?.(true));
  const offDown = port.onDown((reason) => onLinkChange?.(false, reason));
  return {
    device,
    port,
    async stop() {
      offUp();
      offDown();
      detach();
      device.dispose();
      await port.stop();
    },
  };
}
