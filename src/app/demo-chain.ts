// The whole chain on one machine, as `loyalty-agent demo` runs it: the reference cloud on embedded
// PostgreSQL (PGlite) seeded with the demo customers, and the agent with the in-process virtual
// register syncing to it. The browser test starts the same chain in-process.
import path from 'node:path';
import type { Logger } from 'pino';
import { parseCloudConfig } from '../cloud/config.js';
import { type DemoData, loadDemoData } from '../cloud/seed/demo-data.js';
import { type RunningCloud, startCloud } from '../cloud/start-cloud.js';
import { parseAgentConfig } from '../config/agent-config.js';
import { findProjectRoot } from '../ops/project-root.js';
import { type RunningAgent, startAgent } from './agent-app.js';
import { tillExtras } from './till-extras.js';

/** The demo's fixed secrets: printed to the user, so they protect nothing and must never be reused. */
export const DEMO = {
  tillToken: 'demo-till-token',
  storeKey: 'demo-store-key',
  adminToken: 'demo-central-token',
  agentId: 'store-1-till-1',
  storeId: 'store-1',
  tillId: 'till-1',
};

export interface DemoOptions {
  agentPort: number;
  cloudPort: number;
  /** Agent and cloud data live in DIR/agent and DIR/cloud and survive restarts. */
  dataDir: string;
  logLevel: string;
  logger: Logger;
}

export interface RunningDemo {
  agent: RunningAgent;
  cloud: RunningCloud;
  agentUrl: string;
  cloudUrl: string;
  data: DemoData;
  /** Agent first (it flushes its store and stops syncing), then the cloud. */
  close(): Promise<void>;
}

export async function startDemo(o: DemoOptions): Promise<RunningDemo> {
  const root = findProjectRoot();
  const program = path.join(root, 'config', 'program.example.json');
  const cloud = await startCloud(
    parseCloudConfig({
      http: { host: '127.0.0.1', port: o.cloudPort },
      database: `pglite:${path.join(o.dataDir, 'cloud')}`,
      program,
      agents: [{ agentId: DEMO.agentId, storeId: DEMO.storeId, key: DEMO.storeKey }],
      adminTokens: [DEMO.adminToken],
      timezone: 'Europe/Moscow',
      seedDemo: true,
      logLevel: o.logLevel,
    }),
    { logger: o.logger.child({ part: 'cloud' }) },
  );
  let agent: RunningAgent;
  try {
    const cfg = parseAgentConfig(
      {
        storeId: DEMO.storeId,
        tillId: DEMO.tillId,
        timezone: 'Europe/Moscow',
        dataDir: path.join(o.dataDir, 'agent'),
        logLevel: o.logLevel,
        http: {
          host: '127.0.0.1',
          port: o.agentPort,
          tokens: [{ token: DEMO.tillToken, tillId: DEMO.tillId }],
        },
        program,
        // A short drain period so a sale shows on the central page within seconds.
        cloud: { url: cloud.url, agentId: DEMO.agentId, key: DEMO.storeKey, drainCron: '*/5 * * * * *' },
        register: { driver: 'simulator' },
      },
      root,
    );
    agent = await startAgent(cfg, { logger: o.logger.child({ part: 'agent' }), extras: tillExtras });
  } catch (err) {
    await cloud.close();
    throw err;
  }
  // Pull the program and the customers now, so the first identify works from the cache too.
  await agent.sync.syncNow().catch(() => undefined);
  let data: DemoData;
  try {
    data = await loadDemoData();
  } catch (err) {
    await agent.close();
    await cloud.close();
    throw err;
  }
  return {
    agent,
    cloud,
    agentUrl: agent.url,
    cloudUrl: cloud.url,
    data,
    async close() {
      try {
        await agent.close();
      } finally {
        await cloud.close();
      }
    },
  };
}

/** What the demo prints: where to click, the tokens, and the customers to try. */
export function demoBanner(demo: RunningDemo, dataDir: string): string {
  const { agentUrl, cloudUrl, data } = demo;
  return [
    '',
    'loyalty-agent demo is running',
    `  cashier page   ${agentUrl}/?token=${DEMO.tillToken}`,
    `  till API       ${agentUrl}  (Authorization: Bearer ${DEMO.tillToken}; OpenAPI at ${agentUrl}/openapi.json)`,
    `  central page   ${cloudUrl}/?token=${DEMO.adminToken}`,
    `  data           ${dataDir}`,
    '',
    '  demo customers (card / phone / tier / points):',
    ...data.customers.map(
      (c) =>
        `    ${c.card}  ${(c.phone ?? '').padEnd(12)}  ${c.tier.padEnd(8)}  ${String(c.points).padStart(5)}  ${c.name}`,
    ),
    ...(data.coupons.length ? [`  coupons: ${data.coupons.map((c) => c.code).join(', ')}`] : []),
    '',
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}
