import path from 'node:path';
import { startAgent } from '../../app/agent-app.js';
import { createLogger } from '../../app/logger.js';
import { untilSignal } from '../../app/signals.js';
import { tillExtras } from '../../app/till-extras.js';
import { parseCloudConfig } from '../../cloud/config.js';
import { loadDemoData } from '../../cloud/seed/demo-data.js';
import { startCloud } from '../../cloud/start-cloud.js';
import { parseAgentConfig } from '../../config/agent-config.js';
import { findProjectRoot } from '../../ops/project-root.js';
import { CliError, type Command, parseOptions } from '../command.js';

export const DEMO = {
  tillToken: 'demo-till-token',
  storeKey: 'demo-store-key',
  adminToken: 'demo-central-token',
  agentId: 'store-1-till-1',
};

const command: Command = {
  help: `Usage: loyalty-agent demo [--agent-port 8417] [--cloud-port 8418] [--data DIR] [--log-level warn]

Runs the whole chain on this machine: the reference central server on embedded PostgreSQL
(PGlite) with demo customers, the agent with the virtual register in-process, and the cashier
page. Prints the URLs, the till token and demo cards and phones. Ctrl-C stops everything.
Data stays in DIR (default .data/demo in the project) between runs.`,
  async run(argv) {
    const { values } = parseOptions(argv, {
      'agent-port': { type: 'string', default: '8417' },
      'cloud-port': { type: 'string', default: '8418' },
      data: { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
    });
    const agentPort = port(values['agent-port']!, '--agent-port');
    const cloudPort = port(values['cloud-port']!, '--cloud-port');
    const root = findProjectRoot();
    const dataDir = path.resolve(values.data ?? path.join(root, '.data', 'demo'));
    const program = path.join(root, 'config', 'program.example.json');
    const level = values['log-level']!;
    const log = createLogger(level);

    const cloud = await startCloud(
      parseCloudConfig({
        http: { host: '127.0.0.1', port: cloudPort },
        database: `pglite:${path.join(dataDir, 'cloud')}`,
        program,
        agents: [{ agentId: DEMO.agentId, storeId: 'store-1', key: DEMO.storeKey }],
        adminTokens: [DEMO.adminToken],
        timezone: 'Europe/Moscow',
        seedDemo: true,
        logLevel: level,
      }),
      { logger: log.child({ part: 'cloud' }) },
    );
    let agent: Awaited<ReturnType<typeof startAgent>>;
    try {
      const cfg = parseAgentConfig(
        {
          storeId: 'store-1',
          tillId: 'till-1',
          timezone: 'Europe/Moscow',
          dataDir: path.join(dataDir, 'agent'),
          logLevel: level,
          http: { host: '127.0.0.1', port: agentPort, tokens: [{ token: DEMO.tillToken, tillId: 'till-1' }] },
          program,
          cloud: { url: cloud.url, agentId: DEMO.agentId, key: DEMO.storeKey, drainCron: '*/5 * * * * *' },
          register: { driver: 'simulator' },
        },
        root,
      );
      agent = await startAgent(cfg, { logger: log.child({ part: 'agent' }), extras: tillExtras });
    } catch (err) {
      await cloud.close();
      throw err;
    }
    await agent.sync.syncNow().catch(() => undefined);
    const demo = await loadDemoData();
    const lines = [
      '',
      'loyalty-agent demo is running',
      `  cashier page   ${agent.url}/?token=${DEMO.tillToken}`,
      `  till API       ${agent.url}  (Authorization: Bearer ${DEMO.tillToken}; OpenAPI at ${agent.url}/openapi.json)`,
      `  central page   ${cloud.url}/?token=${DEMO.adminToken}`,
      `  data           ${dataDir}`,
      '',
      '  demo customers (card / phone / tier / points):',
      ...demo.customers.map(
        (c) => `    ${c.card}  ${(c.phone ?? '').padEnd(12)}  ${c.tier.padEnd(8)}  ${String(c.points).padStart(5)}  ${c.name}`,
      ),
      ...(demo.coupons.length ? [`  coupons: ${demo.coupons.map((c) => c.code).join(', ')}`] : []),
      '',
      '  Ctrl-C stops everything.',
      '',
    ];
    console.log(lines.join('\n'));
    return untilSignal(
      async () => {
        await agent.close();
        await cloud.close();
        console.log('demo stopped');
      },
      (m) => console.log(m),
    );
  },
};

function port(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`${name} must be a port number`);
  return n;
}

export default command;
