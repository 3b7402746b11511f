// The CLI talks to a running agent through its own HTTP API, with the first till token of the config.
import type { AgentConfig } from '../config/agent-config.js';
import { CliError } from './command.js';

export class AgentClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static fromConfig(cfg: AgentConfig): AgentClient {
    const host = cfg.http.host === '0.0.0.0' || cfg.http.host === '::' ? '127.0.0.1' : cfg.http.host;
    const token = cfg.http.tokens[0]?.token;
    if (!token) throw new CliError('the config has no http.tokens');
    return new AgentClient(`http://${host.includes(':') ? `[${host}]` : host}:${cfg.http.port}`, token);
  }

  async get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
    } catch (err) {
      throw new CliError(
        `the agent at ${this.baseUrl} does not answer (${(err as Error).message}); is it running?`,
        3,
      );
    }
    const json = (await res.json().catch(() => ({}))) as T & { error?: { message: string } };
    if (!res.ok)
      throw new CliError(`agent answered ${res.status}: ${json.error?.message ?? res.statusText}`, 1);
    return json;
  }
}
