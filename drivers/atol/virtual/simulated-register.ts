// The 'simulator' register: a real AtolRegister talking, byte for byte, to an in-process
// VirtualAtol through an in-memory cable.

import { MemoryPair } from '../../serial/memory-pair.js';
import { AtolRegister, type AtolRegisterOptions } from '../driver.js';
import { VirtualAtol, type VirtualAtolOptions } from './device.js';

export interface SimulatedRegisterOptions extends Omit<AtolRegisterOptions, 'link' | 'driver'> {
  /** Options of the virtual device (passwords, processing time, first fd, clock…). */
  device?: VirtualAtolOptions;
  /** Simulate wire time at this baud rate (0 = instant). */
  baudRate?: number;
}

export interface SimulatedRegister {
  register: AtolRegister;
  device: VirtualAtol;
  /** The cable: unplug()/replug() it to test reconnects. */
  cable: MemoryPair;
}

export function createSimulatedRegister(options: SimulatedRegisterOptions = {}): SimulatedRegister {
  const { device: deviceOptions, baudRate, ...driverOptions } = options;
  const cable = new MemoryPair({ baudRate: baudRate ?? 0 });
  const device = new VirtualAtol({
    ...deviceOptions,
    crcOverStuffed: deviceOptions?.crcOverStuffed ?? driverOptions.crcOverStuffed,
  });
  cable.device.start();
  device.attach(cable.device);
  const register = new AtolRegister({ ...driverOptions, driver: 'simulator', link: () => cable.host });
  return { register, device, cable };
}
