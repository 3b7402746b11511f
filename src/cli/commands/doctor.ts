import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { listPorts } from '../../../drivers/serial/list-ports.js';
import { type AgentConfig, loadAgentConfig } from '../../config/agent-config.js';
import { type Command, parseOptions } from '../command.js';

type Outcome = 'ok' | 'warn' | 'fail';
interface Check {
  name: string;
  outcome: Outcome;
  detail: string;
}

const MIN_FREE_BYTES = 200 * 1024 * 1024;
const MAX_SKEW_MS = 30_000;

const command: Command = {
  help: `Usage: loyalty-agent doctor --config FILE

Checks what a till needs, one line each: the config and program, the data directory (writable,
fsync works), free disk space, serial ports (/dev/serial/by-id) and the register's port, the
cloud (reachable with the store key) and the clock skew against it. Exit 0 when nothing failed.`,
  async run(argv) {
    const { values } = parseOptions(argv, {
      config: { type: 'string', default: '/etc/loyalty-agent/agent.json' },
    });
    const checks: Check[] = [];
    let cfg: AgentConfig;
    try {
      cfg = await loadAgentConfig(values.config!);
      checks.push({ name: 'config', outcome: 'ok', detail: values.config! });
    } catch (err) {
      checks.push({ name: 'config', outcome: 'fail', detail: (err as Error).message });
      print(checks);
      return 1;
    }
    checks.push(await checkProgram(cfg));
    checks.push(await checkDataDir(cfg.dataDir));
    checks.push(await checkDisk(cfg.dataDir));
    checks.push(...(await checkPorts(cfg)));
    checks.push(...(await checkCloud(cfg)));
    print(checks);
    return checks.some((c) => c.outcome === 'fail') ? 1 : 0;
  },
};

function print(checks: Check[]): void {
  for (const c of checks)
    console.log(`${c.outcome.toUpperCase().padEnd(5)} ${c.name.padEnd(10)} ${c.detail}`);
}

async function checkProgram(cfg: AgentConfig): Promise<Check> {
  try {
    const { ProgramHolder } = await import('../../agent/program-holder.js');
    const p = (await ProgramHolder.load(cfg.program, null)).current();
    return { name: 'program', outcome: 'ok', detail: `${cfg.program} (version ${p.version})` };
  } catch (err) {
    return { name: 'program', outcome: 'fail', detail: (err as Error).message };
  }
}

async function checkDataDir(dir: string): Promise<Check> {
  const probe = path.join(dir, `.doctor-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(probe, 'w');
    const started = performance.now();
    await fh.writeFile('probe');
    await fh.sync();
    const ms = performance.now() - started;
    await fh.close();
    await rm(probe);
    return { name: 'data dir', outcome: 'ok', detail: `${dir} writable, fsync ${ms.toFixed(1)} ms` };
  } catch (err) {
    await rm(probe, { force: true }).catch(() => undefined);
    return { name: 'data dir', outcome: 'fail', detail: `${dir}: ${(err as Error).message}` };
  }
}

async function checkDisk(dir: string): Promise<Check> {
  try {
    const s = await statfs(dir);
    const free = s.bavail * s.bsize;
    const mb = Math.round(free / 1024 / 1024);
    return free < MIN_FREE_BYTES
      ? { name: 'disk', outcome: 'fail', detail: `only ${mb} MB free on the data directory's disk` }
      : { name: 'disk', outcome: 'ok', detail: `${mb} MB free` };
  } catch (err) {
    return { name: 'disk', outcome: 'warn', detail: (err as Error).message };
  }
}

async function checkPorts(cfg: AgentConfig): Promise<Check[]> {
  const out: Check[] = [];
  const ports = await listPorts().catch(() => []);
  out.push({
    name: 'ports',
    outcome: 'ok',
    detail: ports.length
      ? ports.map((p) => `${p.path} → ${p.device ?? '?'}`).join(', ')
      : 'no devices in /dev/serial/by-id',
  });
  const wanted = [
    ...(cfg.register.driver === 'atol' && cfg.register.path
      ? [['register', cfg.register.path] as const]
      : []),
    ...(cfg.scanner ? [['scanner', cfg.scanner.path] as const] : []),
    ...(cfg.display ? [['display', cfg.display.path] as const] : []),
  ];
  for (const [name, p] of wanted) {
    try {
      await access(p, constants.R_OK | constants.W_OK);
      out.push({ name, outcome: 'ok', detail: `${p} can be opened` });
    } catch (err) {
      const hint =
        (err as NodeJS.ErrnoException).code === 'EACCES' ? ' (is the user in the dialout group?)' : '';
      out.push({ name, outcome: 'fail', detail: `${p}: ${(err as Error).message}${hint}` });
    }
  }
  return out;
}

async function checkCloud(cfg: AgentConfig): Promise<Check[]> {
  if (!cfg.cloud)
    return [{ name: 'cloud', outcome: 'warn', detail: 'no cloud configured: the agent works alone' }];
  const url = `${cfg.cloud.url.replace(/\/$/, '')}/v1/agents/${encodeURIComponent(cfg.cloud.agentId)}/program`;
  const sent = Date.now();
  try {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${cfg.cloud.key}` },
      signal: AbortSignal.timeout(3000),
    });
    const received = Date.now();
    const out: Check[] = [];
    if (res.status === 401 || res.status === 403) {
      out.push({
        name: 'cloud',
        outcome: 'fail',
        detail: `${cfg.cloud.url} refused the store key (${res.status})`,
      });
    } else if (!res.ok && res.status !== 304) {
      out.push({ name: 'cloud', outcome: 'fail', detail: `${cfg.cloud.url} answered ${res.status}` });
    } else {
      out.push({
        name: 'cloud',
        outcome: 'ok',
        detail: `${cfg.cloud.url} reachable in ${received - sent} ms`,
      });
    }
    const date = res.headers.get('date');
    if (date) {
      const skew = Date.parse(date) - (sent + received) / 2;
      const ok = Math.abs(skew) <= MAX_SKEW_MS;
      out.push({
        name: 'clock',
        outcome: ok ? 'ok' : 'warn',
        detail: `skew against the cloud ${(skew / 1000).toFixed(1)} s${ok ? '' : ' — receipts are judged at their time: fix NTP'}`,
      });
    }
    return out;
  } catch (err) {
    return [
      {
        name: 'cloud',
        outcome: 'warn',
        detail: `${cfg.cloud.url} not reachable (${(err as Error).message}); the till works offline`,
      },
    ];
  }
}

export default command;
