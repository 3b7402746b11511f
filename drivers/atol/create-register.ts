// Builds the configured fiscal register driver.

import type { FiscalRegister } from '../register/types.js';
import type { BackoffOptions } from '../serial/backoff.js';
import { openPort } from '../serial/open-port.js';
import type { AtolRegisterOptions } from './driver.js';
import { AtolRegister } from './driver.js';
import { createSimulatedRegister, type SimulatedRegisterOptions } from './virtual/simulated-register.js';

export interface RegisterConfig extends Omit<AtolRegisterOptions, 'link' | 'driver'> {
  driver: 'none' | 'simulator' | 'atol';
  /** Serial device for 'atol'; prefer /dev/serial/by-id/… paths. */
  path?: string;
  baudRate?: number;
  /** Options of the in-process virtual register for 'simulator'. */
  simulator?: SimulatedRegisterOptions['device'];
  /** Backoff between attempts to reopen a lost serial port. */
  reconnect?: BackoffOptions;
  /** Told about port open failures and losses (for logs). */
  onPortError?: (error: Error) => void;
}

/** null for driver 'none' (no register at this till). */
export function createRegister(cfg: RegisterConfig): FiscalRegister | null {
  const { driver, path, baudRate, simulator, reconnect, onPortError, ...options } = cfg;
  switch (driver) {
    case 'none':
      return null;
    case 'simulator':
      return createSimulatedRegister({ ...options, device: simulator }).register;
    case 'atol': {
      if (!path) throw new Error('register.path is required for the atol driver');
      const portPath = path;
      const rate = baudRate ?? 115_200;
      return new AtolRegister({
        ...options,
        driver: 'atol',
        link: () => openPort(portPath, rate, { ...reconnect, onError: onPortError }),
      });
    }
  }
}
