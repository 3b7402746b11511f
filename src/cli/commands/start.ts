import { startAgent } from '../../app/agent-app.js';
import { createLogger } from '../../app/logger.js';
import { untilSignal } from '../../app/signals.js';
import { loadAgentConfig } from '../../config/agent-config.js';
import { ConfigError } from '../../config/secrets.js';
import { systemdNotifier } from '../../ops/systemd-notify.js';
import { StoreCorruptError, StoreLockedError } from '../../storage/index.js';
import { CliError, type Command, parseOptions } from '../command.js';

/** Exit statuses of `start` (docs/OPERATIONS.md); the unit's RestartPreventExitStatus lists 2. */
const EXIT_FAILED = 1;
const EXIT_CONFIG = 2;
const EXIT_STORE = 3;

const command: Command = {
  help: `Usage: loyalty-agent start --config FILE

Runs the agent in the foreground until SIGTERM or SIGINT: the till API (default 127.0.0.1:8417),
the cashier page at /, the outbox sync with the cloud, and the configured register driver.
Logs are JSON lines on stdout. Under systemd (Type=notify) it reports READY once the store is open
and HTTP listens, and pings the watchdog.
Exit status: 0 stopped by a signal; 1 could not start or failed (systemd restarts it); 2 a config
mistake — a key, a schedule, the program file — (not restarted); 3 the data directory is locked by
another live agent or damaged.`,
  async run(argv) {
    const { values } = parseOptions(argv, { config: { type: 'string' } });
    if (!values.config) throw new CliError('--config FILE is required');
    let cfg: Awaited<ReturnType<typeof loadAgentConfig>>;
    try {
      cfg = await loadAgentConfig(values.config);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(err.message, EXIT_CONFIG);
      throw err;
    }
    const log = createLogger(cfg.logLevel);
    const notifier = systemdNotifier(process.env, (m) => log.warn(m));
    const { tillExtras } = await import('../../app/till-extras.js');
    let agent: Awaited<ReturnType<typeof startAgent>>;
    try {
      agent = await startAgent(cfg, { logger: log, extras: tillExtras });
    } catch (err) {
      // startAgent has already stopped whatever it had started. One line on stderr, never a stack
      // (that stays in the JSON log for the vendor); the exit status tells systemd what to do.
      const message = (err as Error).message;
      if (err instanceof ConfigError) {
        // The program file the config names: restarting cannot fix it (exit 2, no restart).
        log.fatal({ err: message }, 'cannot start');
        throw new CliError(message, EXIT_CONFIG);
      }
      if (err instanceof StoreLockedError || err instanceof StoreCorruptError) {
        // A locked or damaged store is for store IT to act on (exit 3: retried every 3 s).
        log.fatal({ err: message }, 'cannot start');
        throw new CliError(message, EXIT_STORE);
      }
      // Anything else (port in use, disk): retried by systemd after 3 s.
      log.fatal({ err }, 'cannot start');
      throw new CliError(`cannot start: ${message}`, EXIT_FAILED);
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
