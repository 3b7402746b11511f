// The agent's config file for chaos runs: three tills (tokens), optional cloud and register.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLOUD_AGENT_ID, CLOUD_KEY } from './cloud-process.js';

export const TILLS = [
  { token: 'chaos-till-1-token', tillId: 'till-1' },
  { token: 'chaos-till-2-token', tillId: 'till-2' },
  { token: 'chaos-till-3-token', tillId: 'till-3' },
];

export async function writeAgentConfig(
  dir: string,
  options: { dataDir?: string; cloudUrl?: string; port?: number } = {},
): Promise<string> {
  const file = path.join(dir, 'agent.json');
  await writeFile(
    file,
    JSON.stringify({
      storeId: 'store-1',
      tillId: 'till-1',
      timezone: 'Europe/Moscow',
      dataDir: options.dataDir ?? path.join(dir, 'data'),
      logLevel: 'info',
      http: { host: '127.0.0.1', port: options.port ?? 0, tokens: TILLS },
      program: path.resolve('config/program.example.json'),
      register: { driver: 'none' },
      ...(options.cloudUrl && {
        cloud: {
          url: options.cloudUrl,
          agentId: CLOUD_AGENT_ID,
          key: CLOUD_KEY,
          drainCron: '* * * * * *',
          pullCron: '*/5 * * * * *',
          heartbeatCron: '*/10 * * * * *',
        },
      }),
    }),
  );
  return file;
}
