// The agent's configuration file (POS-API.md "Running it"): the fixed keys, plus optional
// tuning keys with defaults. Unknown or wrong keys stop the start with a message naming them.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import cron from 'node-cron';
import { ConfigError, resolveEnvRefs } from './secrets.js';
import { validateAgainst } from './validate.js';

const Str = (opts: object = {}) => Type.String({ minLength: 1, ...opts });

export const AgentConfigSchema = Type.Object(
  {
    storeId: Str(),
    tillId: Str(),
    timezone: Type.String({ default: 'Europe/Moscow', minLength: 1 }),
    dataDir: Str(),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8417 }),
        tokens: Type.Array(
          Type.Object({ token: Str({ minLength: 8 }), tillId: Str() }, { additionalProperties: false }),
          { minItems: 1 },
        ),
        bodyLimit: Type.Integer({ minimum: 1024, default: 1_048_576 }),
      },
      { additionalProperties: false },
    ),
    program: Str(),
    cloud: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://' }),
          agentId: Str(),
          key: Str(),
          /** Online deadline of one till request: all its look-ups (identify, coupons, hold) share it. */
          deadlineMs: Type.Integer({ minimum: 50, maximum: 10_000, default: 800 }),
          /** Deadline of one sync batch. */
          batchDeadlineMs: Type.Integer({ minimum: 1000, default: 30_000 }),
          drainCron: Type.String({ default: '*/30 * * * * *' }),
          pullCron: Type.String({ default: '*/60 * * * * *' }),
          heartbeatCron: Type.String({ default: '*/60 * * * * *' }),
        },
        { additionalProperties: false },
      ),
    ),
    register: Type.Object(
      {
        driver: Type.Union([Type.Literal('none'), Type.Literal('simulator'), Type.Literal('atol')], {
          default: 'none',
        }),
        path: Type.Optional(Type.String()),
        baudRate: Type.Integer({ minimum: 1200, default: 115200 }),
        crcOverStuffed: Type.Boolean({ default: false }),
      },
      { additionalProperties: false, default: {} },
    ),
    scanner: Type.Optional(
      Type.Object(
        { path: Str(), baudRate: Type.Integer({ minimum: 1200, default: 9600 }) },
        { additionalProperties: false },
      ),
    ),
    display: Type.Optional(
      Type.Object(
        { path: Str(), baudRate: Type.Integer({ minimum: 1200, default: 9600 }) },
        { additionalProperties: false },
      ),
    ),
    evotor: Type.Optional(Type.Object({ token: Str({ minLength: 8 }) }, { additionalProperties: false })),
    receipts: Type.Object(
      {
        /** How long a calculated receipt (and its points hold) lives before it is cancelled. */
        ttlSec: Type.Integer({ minimum: 30, default: 900 }),
        /** A cached customer older than this gives the base tier offline. */
        cacheMaxAgeHours: Type.Number({ minimum: 1, default: 72 }),
        /** Synced transactions are kept this long on disk for returns, then compacted. */
        retentionDays: Type.Integer({ minimum: 1, default: 90 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type AgentConfig = Static<typeof AgentConfigSchema>;

/** The schedules of the cloud section: node-cron would only refuse them when the sync starts. */
const CRON_KEYS = ['drainCron', 'pullCron', 'heartbeatCron'] as const;

export function parseAgentConfig(
  doc: unknown,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): AgentConfig {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError(['config: must be a JSON object']);
  const cfg = validateAgainst<AgentConfig>(AgentConfigSchema, resolveEnvRefs(doc, env), 'config');
  const tills = new Set<string>();
  const problems: string[] = [];
  for (const [i, t] of cfg.http.tokens.entries()) {
    if (tills.has(t.token)) problems.push(`config: /http/tokens/${i}/token is used twice`);
    tills.add(t.token);
  }
  if (cfg.register.driver === 'atol' && !cfg.register.path) {
    problems.push('config: /register/path is required when /register/driver is "atol"');
  }
  for (const key of CRON_KEYS) {
    const expression = cfg.cloud?.[key];
    if (expression !== undefined && !cron.validate(expression))
      problems.push(
        `config: /cloud/${key} "${expression}" is not a cron expression (5 or 6 fields, e.g. "*/30 * * * * *")`,
      );
  }
  if (!isValidTimeZone(cfg.timezone))
    problems.push(`config: /timezone "${cfg.timezone}" is not an IANA time zone`);
  if (problems.length) throw new ConfigError(problems);
  // Relative paths are taken from the working directory (the spec starts the agent from the
  // project root); a program path that is not there is also looked up beside the config file.
  cfg.dataDir = path.resolve(cfg.dataDir);
  cfg.program = resolveBeside(cfg.program, baseDir);
  return cfg;
}

export async function loadAgentConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read config file ${file}: ${(err as Error).message}`]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`config file ${file} is not valid JSON: ${(err as Error).message}`]);
  }
  return parseAgentConfig(doc, path.dirname(path.resolve(file)), env);
}

export function resolveBeside(file: string, baseDir: string): string {
  const fromCwd = path.resolve(file);
  if (path.isAbsolute(file) || existsSync(fromCwd)) return fromCwd;
  const fromBase = path.resolve(baseDir, file);
  return existsSync(fromBase) ? fromBase : fromCwd;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
