// systemd Type=notify support. Node has no unix datagram sockets, so READY/WATCHDOG/STOPPING go
// through the systemd-notify tool with our pid (the unit sets NotifyAccess=all). Outside systemd
// (no NOTIFY_SOCKET) every call is a no-op.
import { execFile } from 'node:child_process';

export interface Notifier {
  ready(status?: string): void;
  stopping(): void;
  status(text: string): void;
  close(): void;
}

export function systemdNotifier(env: NodeJS.ProcessEnv = process.env, log?: (msg: string) => void): Notifier {
  if (!env.NOTIFY_SOCKET) return { ready() {}, stopping() {}, status() {}, close() {} };
  const send = (...assignments: string[]) => {
    execFile('systemd-notify', [`--pid=${process.pid}`, ...assignments], (err) => {
      if (err) log?.(`systemd-notify failed: ${err.message}`);
    });
  };
  let watchdog: NodeJS.Timeout | undefined;
  const usec = Number(env.WATCHDOG_USEC);
  const startWatchdog = () => {
    if (!Number.isFinite(usec) || usec <= 0) return;
    // Ping at half the interval, as systemd recommends.
    watchdog = setInterval(() => send('WATCHDOG=1'), Math.max(1000, usec / 2000));
    watchdog.unref();
  };
  return {
    ready(status) {
      send('--ready', ...(status ? [`--status=${status}`] : []));
      startWatchdog();
    },
    stopping() {
      send('STOPPING=1');
    },
    status(text) {
      send(`--status=${text}`);
    },
    close() {
      if (watchdog) clearInterval(watchdog);
    },
  };
}
