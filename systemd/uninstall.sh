#!/usr/bin/env bash
# Removes the loyalty-agent service. Keeps /var/lib/loyalty-agent (the receipts!) and /etc/loyalty-agent
# unless --purge is given. Idempotent.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "uninstall.sh: run as root (sudo)" >&2; exit 1; }
systemctl disable --now loyalty-agent.service 2>/dev/null || true
rm -f /etc/systemd/system/loyalty-agent.service
systemctl daemon-reload || true
rm -rf /opt/loyalty-agent
if [ "${1:-}" = "--purge" ]; then
  rm -rf /var/lib/loyalty-agent /etc/loyalty-agent /usr/lib/sysusers.d/loyalty-agent.conf
  userdel loyalty-agent 2>/dev/null || true
else
  echo "uninstall.sh: kept /var/lib/loyalty-agent and /etc/loyalty-agent (use --purge to remove them)"
fi
