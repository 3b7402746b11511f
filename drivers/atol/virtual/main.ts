// Command-line entry of the virtual register: `node dist/drivers/atol/virtual/main.js --port PATH
// [--baud N] [--processing-ms N] [--result-mode sync|async]`. It prints JSON lines (events, journal) on stdout and takes
// control lines on stdin: `paper on|off`, `silent`, `resume`, `expire-shift`, `bad-crc`,
// `journal`, `quit`.

import { createInterface } from 'node:readline';
import { runVirtualAtol } from './run.js';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

const portPath = argument('port');
if (!portPath) {
  process.stderr.write(
    'usage: main.js --port PATH [--baud 115200] [--processing-ms 0] [--result-mode sync|async]\n',
  );
  process.exit(2);
}
const resultMode = argument('result-mode') ?? 'sync';
if (resultMode !== 'sync' && resultMode !== 'async') {
  process.stderr.write(`--result-mode must be sync or async, got ${resultMode}\n`);
  process.exit(2);
}

const running = runVirtualAtol(portPath, {
  baudRate: Number(argument('baud') ?? 115_200),
  processingMs: Number(argument('processing-ms') ?? 0),
  resultMode,
  reconnect: { minMs: 50, maxMs: 500 },
  onLinkChange: (up, reason) => emit({ event: up ? 'up' : 'down', reason: reason?.message }),
});

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

createInterface({ input: process.stdin }).on('line', (line) => {
  const control = controls[line.trim()];
  if (control) {
    control();
    emit({ event: 'done', control: line.trim() });
  } else emit({ event: 'unknown', control: line.trim() });
});

async function shutdown(): Promise<void> {
  await running.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
emit({ event: 'started', port: portPath, resultMode });
