// The machine a benchmark ran on, so a figure is never read without its context: CPU, cores, RAM,
// the disk and file system of the data directory, Node and the date.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  dataDir: string;
  /** e.g. "ext4 on /dev/vda (mounted at /)". */
  disk: string;
  node: string;
  os: string;
  date: string;
}

export function describeMachine(dataDir: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    dataDir,
    disk: diskOf(dataDir),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}

/** File system type and device of the mount holding `dir` (findmnt, else df -T); "unknown" if neither works. */
function diskOf(dir: string): string {
  try {
    const out = execFileSync('findmnt', ['-n', '-o', 'FSTYPE,SOURCE,TARGET', '--target', dir], {
      encoding: 'utf8',
    });
    const [type, source, target] = out.trim().split(/\s+/);
    if (type && source && target) return `${type} on ${source} (mounted at ${target})`;
  } catch {
    // findmnt is util-linux; fall back to df below
  }
  try {
    const out = execFileSync('df', ['-T', dir], { encoding: 'utf8' }).trim().split('\n');
    const [source, type, , , , , target] = (out[1] ?? '').split(/\s+/);
    if (type && source) return `${type} on ${source} (mounted at ${target ?? '?'})`;
  } catch {
    // not a Linux-like system
  }
  return 'unknown';
}
