import type { PrintIntentView, ReviewDecision, ReviewSettled } from '../../agent/register-sale.js';
import { loadAgentConfig } from '../../config/agent-config.js';
import { formatRub } from '../../domain/index.js';
import { AgentClient } from '../agent-client.js';
import { CliError, type Command, parseOptions } from '../command.js';

const command: Command = {
  help: `Usage: loyalty-agent intents list --config FILE [--json]
       loyalty-agent intents settle RECEIPT_ID --printed|--not-printed --config FILE
                                    [--fd N --fp N [--fn N] [--at YYYY-MM-DDTHH:MM:SS]]

Receipts whose printing on the register was interrupted (crash, lost link) and which the agent
could not settle by itself from the register's last document.

  list     the receipts held for review (and those still waiting for the register), with why
  settle   after comparing with the register's journal, say what happened to one receipt:
           --printed      it is on the register's tape: the sale is confirmed (with the register's
                          last document, or the one given with --fd/--fp when that is another)
           --not-printed  it is not: the receipt is cancelled and its points hold released
           Repeating the same decision is harmless.

Works through the running agent's API (it owns the data directory).`,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      config: { type: 'string', default: '/etc/loyalty-agent/agent.json' },
      json: { type: 'boolean', default: false },
      printed: { type: 'boolean', default: false },
      'not-printed': { type: 'boolean', default: false },
      fd: { type: 'string' },
      fp: { type: 'string' },
      fn: { type: 'string' },
      at: { type: 'string' },
    });
    const [action = 'list', ...rest] = positionals;
    if (action === 'list') {
      if (rest.length > 0) throw new CliError(`list takes no arguments (got ${rest.join(' ')})`);
      const client = AgentClient.fromConfig(await loadAgentConfig(values.config!));
      const { items } = await client.get<{ items: PrintIntentView[] }>('/v1/print-intents');
      console.log(values.json ? JSON.stringify(items, null, 2) : renderIntents(items));
      return 0;
    }
    if (action === 'settle') {
      const decision = decisionOf(rest, values);
      const receiptId = rest[0]!;
      const client = AgentClient.fromConfig(await loadAgentConfig(values.config!));
      const settled = await client.post<ReviewSettled>(
        `/v1/print-intents/${encodeURIComponent(receiptId)}/settle`,
        decision,
      );
      console.log(
        values.json
          ? JSON.stringify(settled, null, 2)
          : settled.status === 'confirmed'
            ? `Receipt ${receiptId} confirmed${settled.fiscal ? ` with fiscal document ${settled.fiscal.fd}` : ''}.`
            : `Receipt ${receiptId} cancelled; its points hold is released.`,
      );
      return 0;
    }
    throw new CliError(`unknown action "${action}" (list, settle)`);
  },
};

/** The settle request from the command line; mistakes are caught here, before the agent is asked. */
export function decisionOf(
  positionals: string[],
  o: { printed?: boolean; 'not-printed'?: boolean; fd?: string; fp?: string; fn?: string; at?: string },
): ReviewDecision {
  if (positionals.length !== 1) throw new CliError('settle takes exactly one receipt id');
  if (o.printed === o['not-printed']) throw new CliError('say either --printed or --not-printed');
  const given = o.fd !== undefined || o.fp !== undefined || o.fn !== undefined || o.at !== undefined;
  if (!given) return { outcome: o.printed ? 'printed' : 'not-printed' };
  if (!o.printed) throw new CliError('--fd, --fp, --fn and --at go with --printed');
  if (o.fd === undefined || o.fp === undefined) throw new CliError('--fd and --fp go together');
  return {
    outcome: 'printed',
    fiscal: {
      fd: o.fd,
      fp: o.fp,
      ...(o.fn !== undefined && { fn: o.fn }),
      ...(o.at !== undefined && { at: o.at }),
    },
  };
}

export function renderIntents(items: PrintIntentView[]): string {
  if (items.length === 0) return 'No interrupted prints: nothing to check.';
  const lines: string[] = [];
  for (const i of items) {
    lines.push(
      `${i.receiptId}  ${i.state === 'review' ? 'HELD FOR REVIEW' : 'waiting for the register'}  till ${i.tillId}  ${formatRub(i.total)}  started ${i.startedAt}`,
    );
    lines.push(`    before: fiscal document ${i.fdBefore || 'none'}`);
    if (i.lastDocument) {
      const d = i.lastDocument;
      lines.push(`    register's last document: ${d.fd} (fp ${d.fp}, ${d.at}, ${formatRub(d.total)})`);
    }
    if (i.reason) lines.push(`    why: ${i.reason}`);
  }
  if (items.some((i) => i.state === 'review')) {
    lines.push(
      '',
      "Compare with the register's journal, then: loyalty-agent intents settle RECEIPT_ID --printed|--not-printed",
    );
  }
  return lines.join('\n');
}

export default command;
