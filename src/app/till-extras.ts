// What the agent serves and drives around the till service, per config: the cashier page, live
// scans (serial scanner → server-sent events), the customer display, the Evotor-style terminal bridge.
import { CustomerDisplay } from '../../drivers/display/display.js';
import { ScanHub } from '../../drivers/scanner/hub.js';
import { SerialScanner } from '../../drivers/scanner/scanner.js';
import { serialPortOpener } from '../../drivers/serial/open-port.js';
import { ReopeningPort } from '../../drivers/serial/reopening-port.js';
import { evotorBridge } from '../http/evotor/plugin.js';
import { scanClassifier } from '../http/scans/classify.js';
import { bearerTokenAuth, scanEvents } from '../http/scans/scan-events.js';
import { cashierPage } from '../web/plugin.js';
import type { Extras, ExtrasContext } from './agent-app.js';

export async function tillExtras({ cfg, till, program, log }: ExtrasContext): Promise<Extras> {
  const closers: (() => Promise<void> | void)[] = [];
  const hub = new ScanHub((err) => log.warn({ err: (err as Error).message }, 'scan listener failed'));
  const classify = scanClassifier(() => program.current().cardRanges);

  if (cfg.scanner) {
    const { path, baudRate } = cfg.scanner;
    const link = new ReopeningPort(serialPortOpener(path, baudRate), {
      onError: (err) => log.warn({ err: err.message }, 'scanner port problem'),
    });
    const scanner = new SerialScanner({ link, classify });
    // Scans carry a card or phone: only their kind goes to the log.
    scanner.on('scan', (scan) => hub.publish(cfg.tillId, scan));
    scanner.on('unrecognized', (u) => log.info({ reason: u.reason }, 'scanned code is not a loyalty code'));
    scanner.on('state', (state) => log.info({ state }, 'scanner'));
    scanner.on('fault', (err) => log.warn({ err: err.message }, 'scanner port problem'));
    scanner.start();
    closers.push(() => scanner.stop());
  }

  if (cfg.display) {
    // Through the reopening port, like the scanner and the register: an unplugged display is
    // reopened when it comes back and shows the current text again (CustomerDisplay.overLink).
    let missing = false;
    const link = new ReopeningPort(serialPortOpener(cfg.display.path, cfg.display.baudRate), {
      onError: (err) => {
        // Once per outage at warn: the port is retried every 2 s while the display is away.
        if (missing) return log.debug({ err: err.message }, 'customer display still not there');
        missing = true;
        log.warn({ err: err.message }, 'customer display port problem');
      },
    });
    link.onUp(() => {
      missing = false;
      log.info('customer display connected');
    });
    const display = CustomerDisplay.overLink(link);
    link.start();
    const off = till.onCalculated((tillId, res) => {
      if (tillId !== cfg.tillId) return;
      display
        .showReceipt({
          toPay: res.totals.toPay,
          discount: res.totals.discount,
          accruedPoints: res.totals.accruedPoints,
        })
        .catch((err) =>
          // While unplugged the text is kept and shown again on replug: not worth a warning each time.
          log[link.isUp ? 'warn' : 'debug']({ err: (err as Error).message }, 'customer display write failed'),
        );
    });
    closers.push(off, () => link.stop());
  }

  const open: Extras['open'] = [
    async (app) => cashierPage(app, { tillId: cfg.tillId }),
    async (app) => scanEvents(app, { hub, auth: bearerTokenAuth(cfg.http.tokens), classify }),
  ];
  if (cfg.evotor) {
    const token = cfg.evotor.token;
    open.push(async (app) => app.register(evotorBridge, { till, tillId: cfg.tillId, token }));
  }
  return {
    open,
    async close() {
      for (const c of closers) await c();
    },
  };
}
