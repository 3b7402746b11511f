// Lists serial devices by their stable /dev/serial/by-id names. serialport's list() needs
// udevadm, which is absent on many boxes, so the directory is read directly.

import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';

export interface SerialPortEntry {
  /** Stable path to configure, e.g. /dev/serial/by-id/usb-ATOL_…-if00. */
  path: string;
  /** What it points to now, e.g. /dev/ttyACM0. */
  device: string;
  /** The by-id name. */
  id: string;
}

export async function listPorts(directory = '/dev/serial/by-id'): Promise<SerialPortEntry[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []; // no serial device plugged
    throw error;
  }
  const entries: SerialPortEntry[] = [];
  for (const id of names.sort()) {
    const path = join(directory, id);
    try {
      entries.push({ path, device: await realpath(path), id });
    } catch {
      // a dangling link: the device went away while listing
    }
  }
  return entries;
}
