// `loyalty-agent simulate atol`: the virtual register on a serial port or pty, from the console.
import { runVirtualAtolConsole } from '../../../drivers/atol/virtual/console.js';
import { CliError, type Command, parseOptions } from '../command.js';

/** A whole number ≥ min from an option, or a usage error naming the option. */
function wholeNumber(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`--${name} must be a whole number ≥ ${min}, got ${value}`);
  return n;
}

const command: Command = {
  help: `Usage: loyalty-agent simulate atol --port PATH [--baud 115200] [--processing-ms 0] [--result-mode sync|async]

Runs the virtual ATOL-style register on a serial port or pty (for example one end of
'socat -d -d pty,raw,echo=0,link=/tmp/reg-a pty,raw,echo=0,link=/tmp/reg-b'); point the agent's
register.path at the other end. It speaks protocol v3 byte for byte and keeps a journal.
It prints JSON lines (link up/down, journal) and takes control lines on stdin:
  paper on | paper off | silent | resume | expire-shift | bad-crc | journal | quit`,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      port: { type: 'string' },
      baud: { type: 'string' },
      'processing-ms': { type: 'string' },
      'result-mode': { type: 'string' },
    });
    if (positionals[0] !== 'atol') throw new CliError('only "simulate atol" exists');
    if (!values.port) throw new CliError('--port PATH is required');
    const resultMode = values['result-mode'] ?? 'sync';
    if (resultMode !== 'sync' && resultMode !== 'async')
      throw new CliError(`--result-mode must be sync or async, got ${resultMode}`);
    const baudRate = wholeNumber(values.baud, 'baud', 115_200, 1);
    const processingMs = wholeNumber(values['processing-ms'], 'processing-ms', 0, 0);
    const input = process.stdin;
    const code = await runVirtualAtolConsole({
      portPath: values.port,
      baudRate,
      processingMs,
      resultMode,
      input,
      output: process.stdout,
    });
    // The console is done with stdin: an open pipe would otherwise keep the process from exiting.
    input.destroy();
    return code;
  },
};

export default command;
