// The agent's config file for chaos runs: three tills (tokens), optional cloud and register.
import path from 'node:path';
import { writeAgentConfigFile } from '../../helpers/agent-config-file.js';
import { CLOUD_AGENT_ID, CLOUD_KEY } from './cloud-process.js';

export const TILLS = [
  { token: 'chaos-till-1-token', tillId: 'till-1' },
  { token: 'chaos-till-2-token', tillId: 'till-2' },
  { token: 'chaos-till-3-token', tillId: 'till-3' },
];

export function writeAgentConfig(
  dir: string,
  options: { dataDir?: string; cloudUrl?: string; port?: number } = {},
): Promise<string> {
  return writeAgentConfigFile(path.join(dir, 'agent.json'), {
    dataDir: options.dataDir ?? path.join(dir, 'data'),
    port: options.port ?? 0,
    tokens: TILLS,
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
  });
}
