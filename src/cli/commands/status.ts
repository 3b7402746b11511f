import { loadAgentConfig } from '../../config/agent-config.js';
import { ConfigError } from '../../config/secrets.js';
import { AgentClient } from '../agent-client.js';
import { CliError, type Command, parseOptions } from '../command.js';

/** `status` exit status when the config is missing, unreadable or invalid (docs/OPERATIONS.md). */
export const EXIT_NO_CONFIG = 4;

interface Status {
  version: string;
  uptimeSec: number;
  storeId: string;
  tillId?: string;
  register: { driver: string; state: string; lastError?: { code?: number; message?: string } | string };
  cloud: { state: string; lastSyncAt: string | null; lastError?: string };
  queue: { pending: number; oldestAgeSec: number; deadLetter: number };
  program: { version: string };
  cache: { customers: number; updatedAt: string | null };
  /** Absent from agents older than the print review. */
  printReview?: { count: number; printing: number };
}

const command: Command = {
  help: `Usage: loyalty-agent status --config FILE [--json]

Shows the running agent's state at a glance: register, cloud link, outbox queue, program, cache.
Exit code 0 when all is well, 1 when something needs attention (dead letters, register error,
cloud offline with a queue older than an hour, receipts held for review after an interrupted
print), 3 when the agent does not answer, 4 when the config file is missing, unreadable or invalid
(one line naming the problem), 2 for a wrong option.`,
  async run(argv) {
    const { values } = parseOptions(argv, {
      config: { type: 'string', default: '/etc/loyalty-agent/agent.json' },
      json: { type: 'boolean', default: false },
    });
    let cfg: Awaited<ReturnType<typeof loadAgentConfig>>;
    try {
      cfg = await loadAgentConfig(values.config!);
    } catch (err) {
      // Its own status: 1 means "the agent needs attention", which an unreadable config does not say.
      if (err instanceof ConfigError)
        throw new CliError(`cannot use the config: ${err.message}`, EXIT_NO_CONFIG);
      throw err;
    }
    const s = await AgentClient.fromConfig(cfg).get<Status>('/v1/status');
    if (values.json) {
      console.log(JSON.stringify(s, null, 2));
    } else {
      console.log(renderStatus(s));
    }
    return needsAttention(s) ? 1 : 0;
  },
};

export function needsAttention(s: Status): boolean {
  return (
    s.queue.deadLetter > 0 ||
    (s.printReview?.count ?? 0) > 0 ||
    s.register.state === 'error' ||
    (s.cloud.state === 'offline' && s.queue.oldestAgeSec > 3600)
  );
}

export function renderStatus(s: Status): string {
  const err = (e: unknown) =>
    typeof e === 'string' ? e : e && typeof e === 'object' ? (e as { message?: string }).message : '';
  const age = (sec: number) =>
    sec < 120 ? `${sec} s` : sec < 7200 ? `${Math.round(sec / 60)} min` : `${Math.round(sec / 3600)} h`;
  const lines = [
    `loyalty-agent ${s.version} — store ${s.storeId}${s.tillId ? `, till ${s.tillId}` : ''}, up ${age(s.uptimeSec)}`,
    `register  ${s.register.driver}: ${s.register.state}${s.register.lastError ? ` (last error: ${err(s.register.lastError)})` : ''}`,
    `cloud     ${s.cloud.state}${s.cloud.lastSyncAt ? `, last sync ${s.cloud.lastSyncAt}` : ', never synced'}${s.cloud.lastError ? ` (${s.cloud.lastError})` : ''}`,
    `queue     ${s.queue.pending} pending${s.queue.pending ? `, oldest ${age(s.queue.oldestAgeSec)}` : ''}, ${s.queue.deadLetter} dead letter(s)`,
    `program   ${s.program.version}`,
    `cache     ${s.cache.customers} customers${s.cache.updatedAt ? `, updated ${s.cache.updatedAt}` : ''}`,
  ];
  if (s.printReview && s.printReview.count + s.printReview.printing > 0)
    lines.push(
      `printing  ${s.printReview.count} receipt(s) held for review, ${s.printReview.printing} waiting for the register`,
    );
  if (s.queue.deadLetter > 0)
    lines.push(
      `ATTENTION: dead letters — see 'loyalty-agent queue dead', re-send with 'loyalty-agent queue resend'`,
    );
  if ((s.printReview?.count ?? 0) > 0)
    lines.push(
      `ATTENTION: receipts held for review — see 'loyalty-agent intents list', settle with 'loyalty-agent intents settle'`,
    );
  return lines.join('\n');
}

export default command;
