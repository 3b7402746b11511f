// install.sh and uninstall.sh for real, on a clean clone of HEAD, inside a private mount namespace
// (unshare -m) where /opt, /etc, /var/lib, /usr/local/bin and the systemd directories are private
// copies, so nothing of this machine changes. systemctl and modprobe are fakes that record their
// calls (no systemd runs here); systemd-sysusers, npm and node are real (npm offline).
// Checks: the first run installs and does not start; a second run changes no file and restarts
// nothing; uninstall keeps the data and config; --purge refuses while it cannot tell the queue is
// empty, and removes everything with --force; every script is safe to run twice.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function canIsolate(): Promise<boolean> {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/unshare') || !existsSync('/usr/bin/systemd-sysusers'))
    return false;
  try {
    await run('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs tmpfs /opt']);
    return true;
  } catch {
    return false;
  }
}
const isolated = await canIsolate();
if (!isolated) {
  console.warn(
    '[test/systemd] install.sh test SKIPPED: needs root, unshare -m and systemd-sysusers (a private mount namespace)',
  );
}

// Runs inside the namespace. Sections are printed between markers for the test to read.
const SCENARIO = String.raw`
set -euo pipefail
work="$1"; clone="$2"
mkdir -p "$work/etc"
mount -t tmpfs tmpfs "$work/etc" && cp -a /etc/. "$work/etc/" && mount --bind "$work/etc" /etc
for d in /opt /var/lib /usr/local/bin /etc/systemd/system /etc/modules-load.d /usr/lib/sysusers.d; do
  mkdir -p "$d" && mount -t tmpfs tmpfs "$d"
done
fake="$work/fake-bin"; mkdir -p "$fake"
cat > "$fake/systemctl" <<'FAKE'
#!/bin/sh
echo "$*" >> "$FAKE_LOG_DIR/systemctl.log"
[ "$1" = is-active ] && exit "${'$'}{FAKE_ACTIVE_RC:-3}"
exit 0
FAKE
cat > "$fake/modprobe" <<'FAKE'
#!/bin/sh
echo "$*" >> "$FAKE_LOG_DIR/modprobe.log"
FAKE
chmod +x "$fake"/*
export PATH="$fake:$PATH" FAKE_LOG_DIR="$work" npm_config_offline=true npm_config_update_notifier=false
snapshot() {
  find /opt /etc/loyalty-agent /etc/systemd/system /usr/local/bin /etc/modules-load.d /usr/lib/sysusers.d \
    -printf '%p %m %u %g %s %T@\n' 2>/dev/null | sort
}
section() { echo "=== $1"; }

section install-1; bash "$clone/systemd/install.sh" 2>&1; echo "rc=$?"
section systemctl-1; cat "$work/systemctl.log"; : > "$work/systemctl.log"
section modprobe; cat "$work/modprobe.log" 2>/dev/null || true
section layout
stat -c '%n %a %U %G' /opt/loyalty-agent /etc/loyalty-agent /etc/loyalty-agent/agent.json /etc/loyalty-agent/agent.env /usr/local/bin/loyalty-agent
getent passwd loyalty-agent | cut -d: -f1,6; id -nG loyalty-agent
section unit; cat /etc/systemd/system/loyalty-agent.service | grep '^ExecStart='
section modules; cat /etc/modules-load.d/loyalty-agent.conf
section version; LOYALTY_TILL_TOKEN=x /usr/local/bin/loyalty-agent --version
section devdeps; for p in typescript vitest @biomejs/biome; do [ -e "/opt/loyalty-agent/node_modules/$p" ] && echo "$p"; done; echo checked
section leftovers; ls -a /opt
# store IT edits the config: a second run must keep it
echo '{"edited": true}' > /etc/loyalty-agent/agent.json
before="$(snapshot)"
section install-2; bash "$clone/systemd/install.sh" 2>&1; echo "rc=$?"
section systemctl-2; cat "$work/systemctl.log"; : > "$work/systemctl.log"
section unchanged; [ "$before" = "$(snapshot)" ] && echo yes || { echo no; diff <(echo "$before") <(snapshot) | head -20; }
section config; cat /etc/loyalty-agent/agent.json
section purge-refused; FAKE_ACTIVE_RC=0 bash "$clone/systemd/uninstall.sh" --purge 2>&1 && echo "rc=0" || echo "rc=$?"
section present-after-refusal; ls /opt
mkdir -p /var/lib/loyalty-agent/journal && echo receipts > /var/lib/loyalty-agent/journal/seg-1.json
section uninstall-1; bash "$clone/systemd/uninstall.sh" 2>&1; echo "rc=$?"
section uninstall-2; bash "$clone/systemd/uninstall.sh" 2>&1; echo "rc=$?"
section kept; ls /var/lib/loyalty-agent/journal; ls /etc/loyalty-agent; ls /opt; ls /usr/local/bin; getent passwd loyalty-agent | cut -d: -f1
section purge; FAKE_ACTIVE_RC=0 bash "$clone/systemd/uninstall.sh" --purge --force 2>&1; echo "rc=$?"
section purge-2; bash "$clone/systemd/uninstall.sh" --purge 2>&1; echo "rc=$?"
section gone; ls -A /var/lib; ls -A /usr/lib/sysusers.d; [ -e /etc/loyalty-agent ] || echo "no config"; getent passwd loyalty-agent || echo "no user"
section end
`;

let work: string;
let sections: Map<string, string>;

beforeAll(async () => {
  if (!isolated) return;
  work = await mkdtemp(path.join(tmpdir(), 'la-install-'));
  const clone = path.join(work, 'repo');
  await run('git', ['clone', '--quiet', '--no-hardlinks', process.cwd(), clone]);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      'unshare',
      ['-m', '--propagation', 'private', 'bash', '-c', SCENARIO, 'scenario', work, clone],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(text);
      else reject(new Error(`the install scenario failed (${code}):\n${text}`));
    });
  });
  sections = new Map();
  let name = '';
  for (const line of out.split('\n')) {
    const m = /^=== (\S+)$/.exec(line);
    if (m) name = m[1]!;
    else sections.set(name, `${sections.get(name) ?? ''}${line}\n`);
  }
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const sec = (name: string) => {
  const text = sections.get(name);
  if (text === undefined) throw new Error(`no section ${name}: ${[...sections.keys()].join(', ')}`);
  return text.trim();
};

describe.skipIf(!isolated)('install.sh and uninstall.sh on a fresh box', () => {
  it('installs the user, modules, program, config, command and unit; enables but does not start it the first time', () => {
    expect(sec('install-1')).toMatch(/rc=0$/);
    expect(sec('install-1')).toContain('wrote /etc/loyalty-agent/agent.json');
    expect(sec('systemctl-1').split('\n')).toEqual(['daemon-reload', 'enable --quiet loyalty-agent.service']);
    expect(sec('modprobe')).toBe('-a -q usbserial cdc_acm');
    expect(sec('layout').split('\n')).toEqual([
      '/opt/loyalty-agent 755 root root',
      '/etc/loyalty-agent 750 root loyalty-agent',
      '/etc/loyalty-agent/agent.json 640 root loyalty-agent',
      '/etc/loyalty-agent/agent.env 640 root loyalty-agent',
      '/usr/local/bin/loyalty-agent 755 root root',
      'loyalty-agent:/var/lib/loyalty-agent',
      expect.stringMatching(/\bdialout\b/),
    ]);
    expect(sec('unit')).toBe(
      `ExecStart=${process.execPath} /opt/loyalty-agent/bin/loyalty-agent.js start --config /etc/loyalty-agent/agent.json`,
    );
    expect(sec('modules')).toBe('usbserial\ncdc_acm');
    expect(sec('version')).toMatch(/^\d+\.\d+\.\d+/);
    expect(sec('devdeps')).toBe('checked'); // the development packages were pruned
    expect(
      sec('leftovers')
        .split('\n')
        .filter((n) => !['.', '..'].includes(n)),
    ).toEqual(['loyalty-agent']);
  });

  it('changes nothing when run again: no file touched, no reload, no restart, the edited config kept', () => {
    expect(sec('install-2')).toMatch(/rc=0$/);
    expect(sec('unchanged')).toBe('yes');
    expect(sec('systemctl-2').split('\n')).toEqual([
      'enable --quiet loyalty-agent.service',
      'start loyalty-agent.service',
      '--no-pager --lines=0 status loyalty-agent.service',
    ]);
    expect(sec('systemctl-2')).not.toMatch(/daemon-reload|restart/);
    expect(sec('config')).toBe('{"edited": true}');
  });

  it('refuses --purge while the running agent cannot say its queue is empty', () => {
    expect(sec('purge-refused')).toContain('add --force');
    expect(sec('purge-refused')).toMatch(/rc=1$/);
    expect(sec('present-after-refusal')).toBe('loyalty-agent');
  });

  it('uninstalls twice safely, keeping the receipts and the config', () => {
    expect(sec('uninstall-1')).toMatch(/kept \/var\/lib\/loyalty-agent[\s\S]*rc=0$/);
    expect(sec('uninstall-2')).toMatch(/rc=0$/);
    expect(sec('kept').split('\n')).toEqual(['seg-1.json', 'agent.env', 'agent.json', 'loyalty-agent']);
  });

  it('purges data, config and user with --force, and again without complaint', () => {
    expect(sec('purge')).toMatch(/rc=0$/);
    expect(sec('purge-2')).toMatch(/rc=0$/);
    expect(sec('gone').split('\n')).toEqual(['no config', 'no user']);
  });
});
