// The `loyalty-agent` command: one entry, one file per sub-command (loaded on demand, so a quick
// `status` does not load the cloud server or the serial drivers).
import { CliError, type Command } from './command.js';

const commands: Record<string, () => Promise<{ default: Command }>> = {
  start: () => import('./commands/start.js'),
  demo: () => import('./commands/demo.js'),
  cloud: () => import('./commands/cloud.js'),
  simulate: () => import('./commands/simulate.js'),
  status: () => import('./commands/status.js'),
  queue: () => import('./commands/queue.js'),
  intents: () => import('./commands/intents.js'),
  doctor: () => import('./commands/doctor.js'),
  config: () => import('./commands/config-check.js'),
  seed: () => import('./commands/seed.js'),
};

const summaries: Record<string, string> = {
  start: 'run the agent in the foreground (--config FILE)',
  demo: 'run the whole chain on one machine: central server + agent + virtual register + demo data',
  cloud: 'run the reference central server (--config FILE)',
  simulate: 'run a virtual device on a serial port: simulate atol --port PATH',
  status: "show the running agent's state (register, cloud, queue)",
  queue: 'list the outbox, the dead letters, or re-send dead letters',
  intents: 'list receipts interrupted while printing, settle one as printed or not printed',
  doctor: 'check config, serial ports, cloud, clock, disk and data directory',
  config: 'config check --config FILE: validate a config file',
  seed: 'put demo customers and coupons into a central server database',
};

export function usage(): string {
  const lines = Object.entries(summaries).map(([name, text]) => `  ${name.padEnd(9)} ${text}`);
  return `Usage: loyalty-agent <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'loyalty-agent <command> --help' for a command's options.`;
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { version } = await import('../ops/version.js');
    console.log(version());
    return 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`loyalty-agent: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const command = (await load()).default;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`loyalty-agent ${name}: ${err.message}`);
      return err.exitCode;
    }
    console.error(`loyalty-agent ${name}: ${(err as Error).stack ?? err}`);
    return 1;
  }
}
