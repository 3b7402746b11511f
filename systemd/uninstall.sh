#!/usr/bin/env bash
# Removes the loyalty-agent service. Idempotent. Keeps /var/lib/loyalty-agent (the receipts!) and
# /etc/loyalty-agent unless --purge is given; --purge refuses while the running agent still has
# transactions the cloud has not taken (pending or dead letters) unless --force is added too.
# Usage: sudo systemd/uninstall.sh [--purge [--force]]
set -euo pipefail
purge=no
force=no
for arg in "$@"; do
  case "$arg" in
    --purge) purge=yes ;;
    --force) force=yes ;;
    *) echo "usage: sudo $0 [--purge [--force]]" >&2; exit 2 ;;
  esac
done
say() { echo "uninstall.sh: $*"; }
[ "$(id -u)" = 0 ] || { echo "uninstall.sh: run as root (sudo)" >&2; exit 1; }

if [ "$purge" = yes ] && [ "$force" = no ] && systemctl is-active --quiet loyalty-agent.service; then
  # Through the running agent's API: what is still waiting for the cloud.
  json="$(/usr/local/bin/loyalty-agent status --json 2>/dev/null || true)"
  unsent="$(printf '%s' "$json" | node -e 'let t = ""; process.stdin.on("data", (c) => (t += c)).on("end", () => { try { const q = JSON.parse(t).queue; console.log(q.pending + q.deadLetter); } catch { console.log("unknown"); } })')"
  if [ "$unsent" != 0 ]; then
    echo "uninstall.sh: the agent still holds $unsent transaction(s) the cloud has not taken (or cannot tell);" >&2
    echo "uninstall.sh: let it sync (loyalty-agent queue list / dead), or add --force to delete them anyway" >&2
    exit 1
  fi
fi

if [ -f /etc/systemd/system/loyalty-agent.service ]; then
  systemctl disable --now --quiet loyalty-agent.service 2>/dev/null || true
  rm -f /etc/systemd/system/loyalty-agent.service
  systemctl daemon-reload
fi
rm -rf /opt/loyalty-agent /opt/loyalty-agent.old
rm -f /usr/local/bin/loyalty-agent /etc/modules-load.d/loyalty-agent.conf
if [ "$purge" = yes ]; then
  rm -rf /var/lib/loyalty-agent /etc/loyalty-agent
  rm -f /usr/lib/sysusers.d/loyalty-agent.conf
  if id loyalty-agent >/dev/null 2>&1; then userdel loyalty-agent; fi
  say "removed the service, the program, its data and its config"
else
  say "removed the service and the program; kept /var/lib/loyalty-agent and /etc/loyalty-agent (--purge removes them)"
fi
