// The virtual register run from a console: on a serial port or pty, printing JSON lines (link
// up/down, the journal) and taking control lines (`paper on|off`, `silent`, `resume`,
// `expire-shift`, `bad-crc`, `journal`, `quit`). Shared by `node dist/drivers/atol/virtual/main.js`
// and `loyalty-agent simulate atol`; it returns when told to quit or on SIGTERM/SIGINT.

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { runVirtualAtol } from './run.js';

export interface VirtualAtolConsoleOptions {
  portPath: string;
  baudRate?: number;
  processingMs?: number;
  resultMode?: 'sync' | 'async';
  /** Control lines come from here (stdin). */
  input: Readable;
  /** JSON event lines go here (stdout). */
  output: Writable;
}

/** Runs until `quit` or a stop signal; resolves with the exit code once the port is closed. */
export function runVirtualAtolConsole(options: VirtualAtolConsoleOptions): Promise<number> {
  const { portPath, input, output } = options;
  const resultMode = options.resultMode ?? 'sync';
  const emit = (event: Record<string, unknown>) => output.write(`${JSON.stringify(event)}\n`);

  const running = runVirtualAtol(portPath, {
    baudRate: options.baudRate ?? 115_200,
    processingMs: options.processingMs ?? 0,
    resultMode,
    reconnect: { minMs: 50, maxMs: 500 },
    onLinkChange: (up, reason) => emit({ event: up ? 'up' : 'down', reason: reason?.message }),
  });

  return new Promise<number>((resolve) => {
    const lines = createInterface({ input });
    let stopping = false;
    const shutdown = async () => {
      if (stopping) return;
      stopping = true;
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      lines.close();
      await running.stop();
      resolve(0);
    };
    const onSignal = () => void shutdown();

    const controls: Record<string, () => void> = {
      'paper on': () => running.device.setPaper(true),
      'paper off': () => running.device.setPaper(false),
      silent: () => running.device.goSilent(),
      resume: () => running.device.resume(),
      'expire-shift': () => running.device.expireShift(),
      'bad-crc': () => running.device.injectFault({ kind: 'bad-crc' }),
      journal: () => emit({ event: 'journal', journal: running.device.journal }),
      quit: () => void shutdown(),
    };
    lines.on('line', (line) => {
      const control = controls[line.trim()];
      if (control) {
        control();
        emit({ event: 'done', control: line.trim() });
      } else emit({ event: 'unknown', control: line.trim() });
    });
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    emit({ event: 'started', port: portPath, resultMode });
  });
}
