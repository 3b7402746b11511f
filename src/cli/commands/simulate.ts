import { CliError, type Command, parseOptions } from '../command.js';

const command: Command = {
  help: `Usage: loyalty-agent simulate atol --port PATH [--baud 115200] [--processing-ms 0]

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
    });
    if (positionals[0] !== 'atol') throw new CliError('only "simulate atol" exists');
    if (!values.port) throw new CliError('--port PATH is required');
    // The virtual register's own entry reads --port/--baud from the command line and runs until quit.
    await import('../../../drivers/atol/virtual/main.js');
    return new Promise<number>(() => {});
  },
};

export default command;
