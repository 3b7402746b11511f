// The agent's config file, for tests that run `loyalty-agent … --config FILE` (in process or as a
// child): store-1 / till-1 on loopback with the example program and no register unless the test says
// otherwise. The test names what matters to it; the keys left out take the values written here.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentConfig } from '../../src/config/agent-config.js';

export interface TillToken {
  token: string;
  tillId: string;
}

export interface AgentConfigFileOptions {
  dataDir: string;
  tokens: readonly TillToken[];
  /** 0 (the default) = any free port; the agent logs the one it took. */
  port?: number;
  storeId?: string;
  tillId?: string;
  logLevel?: AgentConfig['logLevel'];
  /** Default `{ driver: 'none' }`. */
  register?: Record<string, unknown>;
  /** Left out = no cloud (offline only). */
  cloud?: Record<string, unknown>;
}

/** Writes the config to `file` (its directory must exist) and returns the file's path. */
export async function writeAgentConfigFile(file: string, o: AgentConfigFileOptions): Promise<string> {
  await writeFile(
    file,
    JSON.stringify({
      storeId: o.storeId ?? 'store-1',
      tillId: o.tillId ?? 'till-1',
      timezone: 'Europe/Moscow',
      dataDir: o.dataDir,
      logLevel: o.logLevel ?? 'info',
      http: { host: '127.0.0.1', port: o.port ?? 0, tokens: o.tokens },
      program: path.resolve('config/program.example.json'),
      register: o.register ?? { driver: 'none' },
      ...(o.cloud && { cloud: o.cloud }),
    }),
  );
  return file;
}
