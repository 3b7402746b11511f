import pino from 'pino';
import { untilSignal } from '../../app/signals.js';
import { loadCloudConfig } from '../../cloud/config.js';
import { startCloud } from '../../cloud/start-cloud.js';
import { ConfigError } from '../../config/secrets.js';
import { CliError, type Command, parseOptions } from '../command.js';

const command: Command = {
  help: `Usage: loyalty-agent cloud --config FILE

Runs the reference central loyalty server in the foreground until SIGTERM or SIGINT
(default 127.0.0.1:8418): the agents' sync API, the central office's reads and KPIs, and the
central page at /. "database" is "pglite:DIR" (embedded PostgreSQL) or a postgres:// URL.`,
  async run(argv) {
    const { values } = parseOptions(argv, { config: { type: 'string' } });
    if (!values.config) throw new CliError('--config FILE is required');
    let cfg: Awaited<ReturnType<typeof loadCloudConfig>>;
    try {
      cfg = await loadCloudConfig(values.config);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(err.message);
      throw err;
    }
    const logger = pino({ name: 'loyalty-cloud', level: cfg.logLevel ?? 'info' });
    const cloud = await startCloud(cfg, { logger });
    return untilSignal(
      async () => {
        await cloud.close();
        logger.info('cloud stopped');
      },
      (m) => logger.info(m),
    );
  },
};

export default command;
