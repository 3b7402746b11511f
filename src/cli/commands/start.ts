import { startAgent } from '../../app/agent-app.js';
import { createLogger } from '../../app/logger.js';
import { untilSignal } from '../../app/signals.js';
import { loadAgentConfig } from '../../config/agent-config.js';
import { ConfigError } from '../../config/secrets.js';
import { systemdNotifier } from '../../ops/systemd-notify.js';
import { StoreCorruptError, StoreLockedError } from '../../storage/index.js';
import { CliError, type Command, parseOptions } from '../command.js';

const command: Command = {
  help: `Usage: loyalty-agent start --config FILE

Runs the agent in the foreground until SIGTERM or SIGINT: the till API (default 127.0.0.1:8417),
the cashier page at /, the outbox sync with the cloud, and the configured register driver.
Logs are JSON lines on stdout. Under systemd (Type=notify) it reports READY once the store is open
and HTTP listens, and pings the watchdog.`,
  async run(argv) {
    const { values } = parseOptions(argv, { config: { type: 'string' } });
    if (!values.config) throw new CliError('--config FILE is required');
    let cfg: Awaited<ReturnType<typeof loadAgentConfig>>;
    try {
      cfg = await loadAgentConfig(values.config);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(err.message);
      throw err;
    }
    const log = createLogger(cfg.logLevel);
    const notifier = systemdNotifier(process.env, (m) => log.warn(m));
    const { tillExtras } = await import('../../app/till-extras.js');
    let agent: Awaited<ReturnType<typeof startAgent>>;
    try {
      agent = await startAgent(cfg, { logger: log, extras: tillExtras });
    } catch (err) {
      // A locked or damaged store is for store IT to act on: one clear line, no stack (exit 3).
      if (err instanceof StoreLockedError || err instanceof StoreCorruptError) {
        log.fatal({ err: err.message }, 'cannot start');
        throw new CliError(err.message, 3);
      }
      throw err;
    }
    notifier.ready(`serving ${agent.url}`);
    return untilSignal(
      async () => {
        notifier.stopping();
        await agent.close();
        notifier.close();
        log.info('agent stopped');
      },
      (m) => log.info(m),
    );
  },
};

export default command;
