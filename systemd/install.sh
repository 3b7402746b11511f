#!/usr/bin/env bash
# Installs (or upgrades) loyalty-agent as a systemd service. Idempotent: running it again changes
# only what differs. Usage: sudo systemd/install.sh [--no-start]
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
prefix=/opt/loyalty-agent
start=yes
[ "${1:-}" = "--no-start" ] && start=no

[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
command -v node >/dev/null || { echo "install.sh: node (>= 20.19) is required" >&2; exit 1; }

install -D -m 0644 "$src/systemd/loyalty-agent.sysusers" /usr/lib/sysusers.d/loyalty-agent.conf
systemd-sysusers /usr/lib/sysusers.d/loyalty-agent.conf

mkdir -p "$prefix"
# Copy the built program; node_modules is installed in place from the lock file.
for part in bin dist src drivers config docs systemd package.json package-lock.json README.md; do
  [ -e "$src/$part" ] && cp -a "$src/$part" "$prefix/"
done
(cd "$prefix" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)

install -d -m 0750 -o root -g loyalty-agent /etc/loyalty-agent
if [ ! -f /etc/loyalty-agent/agent.json ]; then
  install -m 0640 -o root -g loyalty-agent "$src/config/agent.example.json" /etc/loyalty-agent/agent.json
  sed -i 's#"dataDir": "[^"]*"#"dataDir": "/var/lib/loyalty-agent"#' /etc/loyalty-agent/agent.json
  echo "install.sh: wrote /etc/loyalty-agent/agent.json — edit storeId, tillId, tokens and cloud, then: systemctl restart loyalty-agent"
fi
install -m 0644 "$src/systemd/loyalty-agent.service" /etc/systemd/system/loyalty-agent.service
systemctl daemon-reload
if [ "$start" = yes ]; then
  systemctl enable --now loyalty-agent.service
  systemctl --no-pager --lines=0 status loyalty-agent.service || true
fi
