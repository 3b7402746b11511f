// Secrets (tokens, keys) may live in the environment instead of the config file:
// a string value "env:NAME" is replaced by process.env.NAME at load time.
export function resolveEnvRefs(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string' && value.startsWith('env:')) {
    const name = value.slice(4);
    const resolved = env[name];
    if (resolved === undefined || resolved === '') {
      throw new ConfigError([`${path || '/'} refers to environment variable ${name}, which is not set`]);
    }
    return resolved;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, env, `${path}/${i}`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveEnvRefs(v, env, `${path}/${k}`);
    return out;
  }
  return value;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // One line (journald, `status`, the CLI): every problem names its key, separated by "; ".
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}
