import { describe, expect, it } from 'vitest';
import { parseCloudConfig } from '../../src/cloud/config.js';

const valid = {
  http: { host: '127.0.0.1', port: 8418 },
  database: 'pglite:/var/lib/loyalty-cloud/db',
  program: 'config/program.example.json',
  agents: [{ agentId: 'store-1-till-1', storeId: 'store-1', key: 'store-key-1' }],
  adminTokens: ['central-office-token'],
  timezone: 'Europe/Moscow',
};

const problems = (json: unknown, env: NodeJS.ProcessEnv = {}): string[] => {
  try {
    parseCloudConfig(json, env);
    return [];
  } catch (err) {
    return (err as { problems: string[] }).problems;
  }
};

describe('parseCloudConfig', () => {
  it('accepts the fixed keys of SYNC-API.md and fills defaults', () => {
    expect(parseCloudConfig(valid, {})).toEqual(valid);
    const { timezone: _tz, ...noZone } = valid;
    expect(parseCloudConfig(noZone, {}).timezone).toBe('Europe/Moscow');
  });

  it('names unknown and wrong keys', () => {
    expect(problems({ ...valid, extra: 1 })).toEqual([expect.stringMatching(/^cloud config: \/extra /)]);
    expect(problems({ ...valid, http: { host: '127.0.0.1', port: 70000 } })[0]).toMatch(/\/http\/port/);
    expect(problems({ ...valid, database: 'mysql://x' })[0]).toMatch(/\/database/);
    expect(
      problems({ ...valid, agents: [{ agentId: 'a', storeId: 's', key: 'k', role: 'x' }] }).join(),
    ).toMatch(/\/agents\/0\/role/);
    expect(problems({ ...valid, adminTokens: [] })[0]).toMatch(/\/adminTokens/);
    expect(problems({ ...valid, timezone: 'Mars/Base' })[0]).toMatch(/\/timezone/);
  });

  it('refuses agents sharing an id or key and admin tokens equal to agent keys', () => {
    const twice = { ...valid, agents: [valid.agents[0], { ...valid.agents[0], key: 'another-key' }] };
    expect(problems(twice)[0]).toMatch(/\/agents\/1\/agentId/);
    expect(problems({ ...valid, adminTokens: ['store-key-1'] })[0]).toMatch(/\/adminTokens\/0/);
  });

  it('takes secrets from the environment and names a missing variable', () => {
    const json = { ...valid, agents: [{ ...valid.agents[0], key: 'env:STORE_KEY' }] };
    expect(parseCloudConfig(json, { STORE_KEY: 'from-the-env' }).agents[0]!.key).toBe('from-the-env');
    expect(problems(json, {})[0]).toMatch(/\/agents\/0\/key.*STORE_KEY/);
  });
});
