import { loadAgentConfig } from '../../config/agent-config.js';
import { ConfigError } from '../../config/secrets.js';
import { CliError, type Command, parseOptions } from '../command.js';

const command: Command = {
  help: `Usage: loyalty-agent config check --config FILE [--cloud]

Validates a config file (every key and value, environment references "env:NAME") and the program
file it names. --cloud checks a central server config instead. Exit 0 when valid, 2 otherwise.`,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      config: { type: 'string' },
      cloud: { type: 'boolean', default: false },
    });
    if (positionals[0] !== 'check') throw new CliError('usage: loyalty-agent config check --config FILE');
    if (!values.config) throw new CliError('--config FILE is required');
    try {
      if (values.cloud) {
        const { loadCloudConfig } = await import('../../cloud/config.js');
        await loadCloudConfig(values.config);
      } else {
        const cfg = await loadAgentConfig(values.config);
        const { ProgramHolder } = await import('../../agent/program-holder.js');
        const program = (await ProgramHolder.load(cfg.program, null)).current();
        console.log(`program ${cfg.program}: version ${program.version}, ${program.tiers.length} tiers`);
      }
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(err.message);
      throw new CliError((err as Error).message);
    }
    console.log(`${values.config}: valid`);
    return 0;
  },
};

export default command;
