// The systemd unit as store IT installs it: systemd-analyze accepts it (with ExecStart pointing at
// this machine's node, as install.sh renders it), its sandbox stays tight, and the settings Node and
// the serial ports depend on are there. The example configs the installer copies are valid.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../src/config/agent-config.js';
import { ConfigError } from '../../src/config/secrets.js';

const run = promisify(execFile);
const UNIT = path.resolve('systemd/loyalty-agent.service');
const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
if (!ANALYZE)
  console.warn(
    '[test/systemd] systemd-analyze checks SKIPPED: systemd-analyze is absent (apt-get install -y systemd)',
  );

/** The unit's `Key=value` lines (repeated keys keep every value). */
function settings(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) map.set(m[1]!, [...(map.get(m[1]!) ?? []), m[2]!]);
  }
  return map;
}

describe('the unit file', () => {
  let unit: Map<string, string[]>;
  beforeAll(async () => {
    unit = settings(await readFile(UNIT, 'utf8'));
  });
  const one = (key: string) => unit.get(key)?.join(' ');

  it('is Type=notify, accepts notifications from systemd-notify, and has a watchdog', () => {
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('all');
    expect(Number.parseInt(one('WatchdogSec') ?? '', 10)).toBeGreaterThanOrEqual(10);
    expect(one('ExecStart')).toMatch(
      /^\/usr\/bin\/node \/opt\/loyalty-agent\/bin\/loyalty-agent\.js start --config /,
    );
  });

  it('lets Node JIT and the serial ports work', () => {
    expect(unit.has('MemoryDenyWriteExecute')).toBe(false);
    expect(unit.has('PrivateDevices')).toBe(false);
    expect(one('SystemCallFilter')).toBe('@system-service @pkey');
    expect(one('DevicePolicy')).toBe('closed');
    for (const group of ['ttyS', 'ttyUSB', 'ttyACM'])
      expect(unit.get('DeviceAllow')).toContain(`char-${group} rw`);
    expect(one('SupplementaryGroups')).toContain('dialout');
    // A path that is missing on a box without USB serial (e.g. /dev/serial) would stop the start.
    expect(unit.has('ReadOnlyPaths')).toBe(false);
  });

  it('does not restart on a config mistake (exit 2), and runs as its own user', () => {
    expect(one('RestartPreventExitStatus')).toBe('2');
    expect(one('User')).toBe('loyalty-agent');
    expect(one('StateDirectory')).toBe('loyalty-agent');
  });
});

describe.skipIf(!ANALYZE)('systemd-analyze', () => {
  let dir: string;
  let rendered: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'la-unit-'));
    rendered = path.join(dir, 'loyalty-agent.service');
    // As install.sh does: ExecStart names the node found on this machine.
    const text = (await readFile(UNIT, 'utf8')).replace(
      /^ExecStart=\/usr\/bin\/node /m,
      `ExecStart=${process.execPath} `,
    );
    await writeFile(rendered, text);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('verifies the unit with no warning about it', async () => {
    const { stderr } = await run(ANALYZE!, ['verify', rendered]);
    expect(stderr.split('\n').filter((l) => l.includes('loyalty-agent.service'))).toEqual([]);
  });

  it('rejects a broken unit (the check is real)', async () => {
    const broken = path.join(dir, 'broken.service');
    await writeFile(broken, '[Service]\nExecStart=/nonexistent/node start\n');
    await expect(run(ANALYZE!, ['verify', broken])).rejects.toThrow();
  });

  it('keeps the offline security exposure at or below 3.0', async () => {
    const { stdout } = await run(ANALYZE!, ['security', '--offline=yes', '--threshold=30', rendered]);
    const level = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(stdout)?.[1]);
    expect(level).toBeLessThanOrEqual(3);
  });
});

describe('the example configs the installer uses', () => {
  const load = async (file: string) =>
    JSON.parse(await readFile(path.resolve('config', file), 'utf8')) as unknown;

  it('the service config is valid once its secrets are in the environment', async () => {
    const env = { LOYALTY_TILL_TOKEN: 'till-token-123', LOYALTY_CLOUD_KEY: 'cloud-key-123' };
    const cfg = parseAgentConfig(await load('agent.service.example.json'), '/etc/loyalty-agent', env);
    expect(cfg.dataDir).toBe('/var/lib/loyalty-agent');
    expect(cfg.http.host).toBe('127.0.0.1');
    expect(cfg.http.tokens[0]!.token).toBe('till-token-123');
    expect(cfg.cloud?.key).toBe('cloud-key-123');
    expect(cfg.register).toMatchObject({ driver: 'atol', path: '/dev/ttyUSB0' });
  });

  it('the service config refuses to load while a secret is missing, naming it', async () => {
    const doc = await load('agent.service.example.json');
    expect(() => parseAgentConfig(doc, '/etc/loyalty-agent', { LOYALTY_CLOUD_KEY: 'cloud-key-123' })).toThrow(
      ConfigError,
    );
    expect(() =>
      parseAgentConfig(doc, '/etc/loyalty-agent', { LOYALTY_CLOUD_KEY: 'x', LOYALTY_TILL_TOKEN: '' }),
    ).toThrow(/LOYALTY_TILL_TOKEN/);
  });

  it('the development config is valid', async () => {
    const cfg = parseAgentConfig(await load('agent.example.json'), process.cwd(), { LOYALTY_CLOUD_KEY: 'k' });
    expect(cfg.register.driver).toBe('simulator');
  });
});
