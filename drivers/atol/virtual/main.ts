// Command-line entry of the virtual register: `node dist/drivers/atol/virtual/main.js --port PATH
// [--baud N] [--processing-ms N] [--result-mode sync|async]`. It prints JSON lines (events, journal)
// on stdout and takes control lines on stdin (see console.ts).

import { runVirtualAtolConsole } from './console.js';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
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

const code = await runVirtualAtolConsole({
  portPath,
  baudRate: Number(argument('baud') ?? 115_200),
  processingMs: Number(argument('processing-ms') ?? 0),
  resultMode,
  input: process.stdin,
  output: process.stdout,
});
process.exit(code);
