#!/usr/bin/env bash
# Installs or upgrades loyalty-agent as a systemd service (Debian 12 or later, Node >= 20.19 with npm).
# Idempotent: a second run with the same sources changes nothing (no copy, no reload, no restart);
# a run from newer sources builds them aside, swaps them in and restarts the service.
# The config /etc/loyalty-agent/agent.json and the secrets file agent.env are written once, never
# overwritten; the data in /var/lib/loyalty-agent is never touched.
# Usage: sudo systemd/install.sh [--no-start]
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
prefix=/opt/loyalty-agent
etc=/etc/loyalty-agent
unit=/etc/systemd/system/loyalty-agent.service
modules=/etc/modules-load.d/loyalty-agent.conf
start=yes
case "${1:-}" in
  '') ;;
  --no-start) start=no ;;
  *) echo "usage: sudo $0 [--no-start]" >&2; exit 2 ;;
esac

say() { echo "install.sh: $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (sudo)"
command -v systemctl >/dev/null || die "systemd is required"
node="$(command -v node)" || die "node (>= 20.19) is required: apt install nodejs npm (Debian 13) or NodeSource"
"$node" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  die "node $("$node" --version) is too old: >= 20.19 is required"
command -v npm >/dev/null || die "npm is required (apt install npm)"
case "$(readlink -f "$node")" in
  /home/* | /root/*) die "node is at $node, inside a home directory the service may not read (ProtectHome=yes): install node system-wide" ;;
esac

# The service user, a member of dialout (serial ports).
cmp -s "$src/systemd/loyalty-agent.sysusers" /usr/lib/sysusers.d/loyalty-agent.conf ||
  install -D -m 0644 "$src/systemd/loyalty-agent.sysusers" /usr/lib/sysusers.d/loyalty-agent.conf
systemd-sysusers /usr/lib/sysusers.d/loyalty-agent.conf

# USB serial drivers loaded at boot, so the unit's DeviceAllow=char-ttyUSB/char-ttyACM resolve
# even when the adapter is plugged in after the service started.
if [ "$(cat "$modules" 2>/dev/null)" != "$(printf 'usbserial\ncdc_acm')" ]; then
  printf 'usbserial\ncdc_acm\n' >"$modules"
  modprobe -a -q usbserial cdc_acm 2>/dev/null || say "could not load usbserial/cdc_acm now (they load at the next boot)"
fi

# The program: built from these sources in a staging directory beside $prefix, then swapped in.
# A stamp of the sources (and the node version) tells whether anything changed since the last run.
parts=(bin src drivers config docs systemd package.json package-lock.json tsconfig.json tsconfig.build.json README.md)
present=()
for part in "${parts[@]}"; do [ -e "$src/$part" ] && present+=("$part"); done
stamp="$({
  "$node" --version
  cd "$src" && find "${present[@]}" -type f ! -name '*.test.ts' -print0 | sort -z | xargs -0 sha256sum
} | sha256sum | cut -d' ' -f1)"
changed=no
if [ "$(cat "$prefix/.install-stamp" 2>/dev/null)" != "$stamp" ] ||
  [ ! -f "$prefix/dist/src/cli/main.js" ] || [ ! -d "$prefix/node_modules" ]; then
  stage="$(mktemp -d "$(dirname "$prefix")/.loyalty-agent.XXXXXX")"
  trap 'rm -rf "$stage"' EXIT
  for part in "${present[@]}"; do cp -R "$src/$part" "$stage/"; done
  rm -rf "$stage/dist" "$stage/node_modules"
  say "building in $stage (npm ci, then dev packages pruned)"
  (cd "$stage" && npm ci --no-audit --no-fund --loglevel=error && npm prune --omit=dev --no-audit --no-fund --loglevel=error) >&2
  echo "$stamp" >"$stage/.install-stamp"
  # Code is root's: the service reads it and cannot change it.
  chown -R root:root "$stage"
  chmod -R u=rwX,go=rX "$stage"
  rm -rf "$prefix.old"
  if [ -d "$prefix" ]; then mv "$prefix" "$prefix.old"; fi
  mv "$stage" "$prefix"
  trap - EXIT
  rm -rf "$prefix.old"
  changed=yes
  say "installed $(cd "$prefix" && "$node" bin/loyalty-agent.js --version) in $prefix"
fi

# Config and secrets: written once from the examples, then they belong to the store's IT.
install -d -m 0750 -o root -g loyalty-agent "$etc"
fresh=no
if [ ! -f "$etc/agent.json" ]; then
  install -m 0640 -o root -g loyalty-agent "$prefix/config/agent.service.example.json" "$etc/agent.json"
  fresh=yes
fi
if [ ! -f "$etc/agent.env" ]; then
  install -m 0640 -o root -g loyalty-agent /dev/null "$etc/agent.env"
  printf '%s\n' '# Secrets for agent.json ("env:NAME" values). Keep this file 0640 root:loyalty-agent.' \
    'LOYALTY_TILL_TOKEN=' 'LOYALTY_CLOUD_KEY=' >"$etc/agent.env"
fi

# The command for store IT: the installed program with the service's secrets (run it with sudo).
cli="$(printf '%s\n' '#!/bin/sh' \
  '# loyalty-agent for store IT (written by install.sh): the installed program with the secrets of agent.env.' \
  'set -a; [ -r /etc/loyalty-agent/agent.env ] && . /etc/loyalty-agent/agent.env; set +a' \
  "exec $node $prefix/bin/loyalty-agent.js \"\$@\"")"
if [ "$(cat /usr/local/bin/loyalty-agent 2>/dev/null)" != "$cli" ]; then
  printf '%s\n' "$cli" >/usr/local/bin/loyalty-agent
  chmod 0755 /usr/local/bin/loyalty-agent
fi

# The unit, with the node this script found.
rendered="$(sed "s#^ExecStart=/usr/bin/node #ExecStart=$node #" "$src/systemd/loyalty-agent.service")"
if [ "$(cat "$unit" 2>/dev/null)" != "$rendered" ]; then
  printf '%s\n' "$rendered" >"$unit"
  chmod 0644 "$unit"
  systemctl daemon-reload
  changed=yes
fi

[ "$start" = yes ] || { say "installed; not started (--no-start)"; exit 0; }
systemctl enable --quiet loyalty-agent.service
if [ "$fresh" = yes ]; then
  say "wrote $etc/agent.json and $etc/agent.env: set storeId, tillId, the cloud URL, the register port"
  say "and the secrets; check with: sudo loyalty-agent config check --config $etc/agent.json"
  say "then start it: systemctl start loyalty-agent"
  exit 0
fi
if [ "$changed" = yes ]; then
  systemctl restart loyalty-agent.service
else
  systemctl start loyalty-agent.service
fi
systemctl --no-pager --lines=0 status loyalty-agent.service || true
