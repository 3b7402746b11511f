// Two stores of one chain on the reference cloud, for the tests of a receipt sold at store A and taken
// back at store B: the agents' identities, the central office's token, the demo customer who buys,
// and the starts of the cloud and of a store's agent that syncs only when the test asks.
import { type AgentProcess, NEVER, type Sale, startAgentProcess } from './agent-process-e2e.js';
import type { Cleanup } from './cleanup.js';
import { type CloudProcess, startCloudProcess } from './cloud-process.js';
import { waitFor } from './http-json.js';

export const ADMIN = 'e2e-central-office';
export const STORE_A = { agentId: 'store-1-till-1', storeId: 'store-1', key: 'e2e-key-store-1-till-1' };
export const STORE_B = { agentId: 'store-2-till-1', storeId: 'store-2', key: 'e2e-key-store-2-till-1' };
export type StoreAgent = typeof STORE_A;
export const TILL_TOKEN = 'e2e-till-token';
/** Вера (config/demo-customers.json): 150 points, none pending, a card and no phone — pays with points by card. */
export const VERA = { id: 'demo-vera', card: '2000000000039' };

/** The cloud process in `root`, knowing both stores' agents, seeded with the demo customers. */
export function startTwoStoreCloud(root: string, cleanup: Cleanup): Promise<CloudProcess> {
  return startCloudProcess(
    { dir: root, agents: [STORE_A, STORE_B], adminToken: ADMIN, seedDemo: true },
    cleanup,
  );
}

/**
 * A store's agent process in `dir` (its data in `dir`/data), talking to the cloud at `cloudUrl`: it
 * syncs at start, then only when the test asks (no cron fires during a test).
 */
export function startStoreAgent(
  store: StoreAgent,
  dir: string,
  cloudUrl: string,
  cleanup: Cleanup,
): Promise<AgentProcess> {
  return startAgentProcess(
    {
      dir,
      storeId: store.storeId,
      token: TILL_TOKEN,
      cloud: {
        url: cloudUrl,
        agentId: store.agentId,
        key: store.key,
        drainCron: NEVER,
        pullCron: NEVER,
        heartbeatCron: NEVER,
      },
    },
    cleanup,
  );
}

/** Waits until the agent has pulled the demo customers (five of them) into its cache. */
export function customersPulled(agent: AgentProcess, who: string): Promise<true> {
  return waitFor(`${who} to pull the customers`, async () =>
    (await agent.status()).cache.customers >= 5 ? true : undefined,
  );
}

/** Vera buys a cheese and `milkQty` milk at store A, paying 100 of her points: line 1 cheese, line 2 milk. */
export function veraSale(receiptId: string, milkQty: number): Sale {
  return {
    receiptId,
    card: VERA.card,
    redeemPoints: 100,
    lines: [
      { lineId: '1', sku: 'CHEESE', name: 'Сыр', price: 129900, qty: 1, category: 'dairy' },
      { lineId: '2', sku: 'MILK-1', name: 'Молоко', price: 8990, qty: milkQty, category: 'dairy' },
    ],
  };
}
