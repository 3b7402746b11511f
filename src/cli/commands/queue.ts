import { loadAgentConfig } from '../../config/agent-config.js';
import type { QueueItem } from '../../http/routes/operations.js';
import { AgentClient } from '../agent-client.js';
import { CliError, type Command, parseOptions } from '../command.js';

const command: Command = {
  help: `Usage: loyalty-agent queue <list|dead|resend> --config FILE [--limit N] [--json] [ID…]

  list     the transactions waiting for the cloud (oldest first)
  dead     the transactions the cloud rejected (kept; nothing is ever dropped)
  resend   put dead letters back into the queue (all of them, or the IDs given) and sync now

Works through the running agent's API (it owns the data directory).`,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      config: { type: 'string', default: '/etc/loyalty-agent/agent.json' },
      limit: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    });
    const [action = 'list', ...ids] = positionals;
    const client = AgentClient.fromConfig(await loadAgentConfig(values.config!));
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new CliError('--limit must be a positive whole number');
    if (action === 'list' || action === 'dead') {
      const state = action === 'list' ? 'pending' : 'dead';
      const { entries } = await client.get<{ entries: QueueItem[] }>(
        `/v1/queue?state=${state}&limit=${limit}`,
      );
      if (values.json) console.log(JSON.stringify(entries, null, 2));
      else console.log(renderQueue(entries, state));
      return 0;
    }
    if (action === 'resend') {
      const { resent } = await client.post<{ resent: number }>('/v1/queue/resend', ids.length ? { ids } : {});
      console.log(`${resent} transaction(s) put back into the queue; a sync was started.`);
      return 0;
    }
    throw new CliError(`unknown action "${action}" (list, dead, resend)`);
  },
};

export function renderQueue(entries: QueueItem[], state: string): string {
  if (entries.length === 0) return state === 'pending' ? 'The queue is empty.' : 'No dead letters.';
  const rows = entries.map(
    (e) =>
      `${String(e.seq).padStart(8)}  ${e.kind.padEnd(9)} ${(e.returnId ?? e.receiptId).padEnd(24)} ${e.at}  tries ${e.attempts}${e.lastError ? `  ${e.lastError}` : ''}`,
  );
  return [`     seq  kind      receipt/return           at  `, ...rows].join('\n');
}

export default command;
