import path from 'node:path';
import { demoBanner, startDemo } from '../../app/demo-chain.js';
import { createLogger } from '../../app/logger.js';
import { untilSignal } from '../../app/signals.js';
import { findProjectRoot } from '../../ops/project-root.js';
import { CliError, type Command, parseOptions } from '../command.js';

export { DEMO } from '../../app/demo-chain.js';

const command: Command = {
  help: `Usage: loyalty-agent demo [--agent-port 8417] [--cloud-port 8418] [--data DIR] [--log-level warn]

Runs the whole chain on this machine: the reference central server on embedded PostgreSQL
(PGlite) with demo customers, the agent with the virtual register in-process, and the cashier
page. Prints the URLs, the till token and demo cards and phones. Ctrl-C stops everything.
Data stays in DIR (default .data/demo in the project) between runs.

The ports may also come from the environment: LOYALTY_AGENT_PORT, LOYALTY_CLOUD_PORT
(an option wins over the environment). Port 0 takes any free port; the printed URLs show it.
With npm: npm start -- --agent-port 9417 --cloud-port 9418`,
  async run(argv) {
    const { values } = parseOptions(argv, {
      'agent-port': { type: 'string' },
      'cloud-port': { type: 'string' },
      data: { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
    });
    const env = process.env;
    const agentPort = port(values['agent-port'] ?? env.LOYALTY_AGENT_PORT ?? '8417', '--agent-port');
    const cloudPort = port(values['cloud-port'] ?? env.LOYALTY_CLOUD_PORT ?? '8418', '--cloud-port');
    const level = values['log-level']!;
    if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
      throw new CliError('--log-level must be one of fatal, error, warn, info, debug, trace, silent');
    }
    const dataDir = path.resolve(values.data ?? path.join(findProjectRoot(), '.data', 'demo'));
    const log = createLogger(level);

    const demo = await startDemo({ agentPort, cloudPort, dataDir, logLevel: level, logger: log }).catch(
      (err) => {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new CliError(
            `${(err as Error).message}: another program uses that port; choose others with --agent-port/--cloud-port`,
            1,
          );
        }
        throw err;
      },
    );
    console.log(demoBanner(demo, dataDir));
    return untilSignal(
      async () => {
        await demo.close();
        console.log('demo stopped');
      },
      (m) => console.log(m),
    );
  },
};

function port(text: string, name: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new CliError(`${name} must be a port number (0-65535), not "${text}"`);
  }
  return n;
}

export default command;
