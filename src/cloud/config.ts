// The reference server's configuration file (SYNC-API.md "Running the reference server"): the fixed
// keys plus two optional ones. Unknown or wrong keys stop the start with a message naming them.
import { readFile } from 'node:fs/promises';
import { type Static, Type } from '@sinclair/typebox';
import { ConfigError, resolveEnvRefs } from '../config/secrets.js';
import { validateAgainst } from '../config/validate.js';

const Str = () => Type.String({ minLength: 1 });

export const CloudConfigSchema = Type.Object(
  {
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', minLength: 1 }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8418 }),
      },
      { additionalProperties: false },
    ),
    /** "pglite:DIR", "pglite:memory" or "postgres://…". */
    database: Type.String({ pattern: '^(pglite:.+|postgres(ql)?://.+)$' }),
    /** Path of the program JSON (MECHANICS.md). */
    program: Str(),
    agents: Type.Array(
      Type.Object(
        {
          agentId: Type.String({ pattern: '^[A-Za-z0-9._-]+$' }),
          storeId: Str(),
          key: Type.String({ minLength: 8 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    adminTokens: Type.Array(Type.String({ minLength: 8 }), { minItems: 1 }),
    timezone: Type.String({ default: 'Europe/Moscow', minLength: 1 }),
    /** Fill an empty database with the demo customers and coupons (config/demo-customers.json). */
    seedDemo: Type.Optional(Type.Boolean()),
    logLevel: Type.Optional(
      Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
    ),
  },
  { additionalProperties: false },
);

export type CloudConfig = Static<typeof CloudConfigSchema>;

/** Validates a parsed config document; "env:NAME" strings are taken from the environment. */
export function parseCloudConfig(json: unknown, env: NodeJS.ProcessEnv = process.env): CloudConfig {
  const config = validateAgainst<CloudConfig>(CloudConfigSchema, resolveEnvRefs(json, env), 'cloud config');
  const problems: string[] = [];
  const ids = new Set<string>();
  const keys = new Set<string>();
  config.agents.forEach((a, i) => {
    if (ids.has(a.agentId))
      problems.push(`cloud config: /agents/${i}/agentId "${a.agentId}" is listed twice`);
    if (keys.has(a.key)) problems.push(`cloud config: /agents/${i}/key is shared with another agent`);
    ids.add(a.agentId);
    keys.add(a.key);
  });
  config.adminTokens.forEach((t, i) => {
    if (keys.has(t)) problems.push(`cloud config: /adminTokens/${i} equals an agent key`);
  });
  if (!isTimeZone(config.timezone))
    problems.push(`cloud config: /timezone "${config.timezone}" is not an IANA zone`);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export async function loadCloudConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CloudConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`cannot read ${file}: ${(err as Error).message}`]);
  }
  return parseCloudConfig(json, env);
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
