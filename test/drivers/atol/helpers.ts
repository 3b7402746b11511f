// Shared set-up for the driver ⇄ virtual register tests: short timings so faults are quick.

import {
  createSimulatedRegister,
  type SimulatedRegister,
  type SimulatedRegisterOptions,
} from '../../../drivers/atol/virtual/simulated-register.js';
import type { FiscalReceiptRequest } from '../../../drivers/register/types.js';

export const FAST_TIMINGS = {
  ackTimeoutMs: 40,
  retries: 2,
  asyncTimeoutMs: 400,
  pollIntervalMs: 20,
  openTimeoutMs: 2000,
  resync: { minMs: 10, maxMs: 50 },
} as const;

/** A real serial driver on a socat pty, the virtual register another process: wire-paced timings. */
export const PTY_TIMINGS = {
  ackTimeoutMs: 150,
  retries: 3,
  asyncTimeoutMs: 2000,
  pollIntervalMs: 50,
  openTimeoutMs: 5000,
  reconnect: { minMs: 50, maxMs: 300 },
  resync: { minMs: 50, maxMs: 300 },
} as const;

export function simulated(options: SimulatedRegisterOptions = {}): SimulatedRegister {
  return createSimulatedRegister({ ...FAST_TIMINGS, ...options });
}

export function saleRequest(overrides: Partial<FiscalReceiptRequest> = {}): FiscalReceiptRequest {
  return {
    receiptId: 'r-1',
    kind: 'sale',
    lines: [
      { name: 'Молоко 3,2% 1 л', qty: 2, price: 8990, amount: 17980, tax: 'vat10' },
      { name: 'Сыр весовой', qty: 0.35, price: 89900, amount: 31465, tax: 'vat20' },
    ],
    payments: [
      { type: 'card', amount: 40000 },
      { type: 'cash', amount: 9445 },
    ],
    footer: ['Начислено баллов: 49', 'Баланс: 1 234 балла'],
    ...overrides,
  };
}

export function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('condition not met in time'));
      setTimeout(tick, 5);
    };
    tick();
  });
}
