// Benchmark of the register path: one 50-position receipt through AtolRegister and the virtual
// register over an in-memory cable that takes real wire time at 115 200 baud (10 bits a byte).
// The figure that matters is the total time against the pure wire time of the bytes exchanged:
// everything above 1× is protocol turnaround and processing (goal ≤ 1.3×).

import { createSimulatedRegister } from '../drivers/atol/virtual/simulated-register.js';
import type { FiscalReceiptRequest } from '../drivers/register/types.js';

export interface RegisterBenchOptions {
  positions?: number;
  baudRate?: number;
  /** Receipts to print; the best is reported (the first warms the code up). */
  rounds?: number;
}

export interface RegisterBenchResult {
  name: string;
  positions: number;
  baudRate: number;
  bytes: number;
  wireMs: number;
  totalMs: number;
  ratio: number;
}

function receipt(positions: number): FiscalReceiptRequest {
  const lines = Array.from({ length: positions }, (_, i) => {
    const price = 1000 + i * 37;
    const qty = (i % 3) + 1;
    return { name: `Товар №${i + 1} — позиция чека`, qty, price, amount: price * qty, tax: 'vat20' as const };
  });
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  return {
    receiptId: 'bench',
    kind: 'sale',
    lines,
    payments: [{ type: 'card', amount: total }],
    footer: ['Начислено баллов: 123', 'Баланс: 4 567 баллов'],
  };
}

export async function runRegisterBench(options: RegisterBenchOptions = {}): Promise<RegisterBenchResult> {
  const positions = options.positions ?? 50;
  const baudRate = options.baudRate ?? 115_200;
  const { register, device, cable } = createSimulatedRegister({ baudRate });
  await register.open();
  let best: RegisterBenchResult | null = null;
  try {
    for (let round = 0; round < (options.rounds ?? 3); round++) {
      const bytesBefore = cable.bytesCarried;
      const started = performance.now();
      await register.printReceipt(receipt(positions));
      const totalMs = performance.now() - started;
      const bytes = cable.bytesCarried - bytesBefore;
      const wireMs = baudRate > 0 ? (bytes * 10 * 1000) / baudRate : 1;
      const result = {
        name: `register: ${positions}-position receipt at ${baudRate} baud`,
        positions,
        baudRate,
        bytes,
        wireMs: Math.round(wireMs * 10) / 10,
        totalMs: Math.round(totalMs * 10) / 10,
        ratio: Math.round((totalMs / wireMs) * 100) / 100,
      };
      if (!best || result.ratio < best.ratio) best = result;
    }
  } finally {
    await register.close();
    device.dispose();
  }
  return best!;
}
