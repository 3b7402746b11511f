// The payments rule (cash may exceed what is due, nothing else may) in its pure form and in the
// virtual register's handling of 99 / 4A, with figures worked out by hand.

import { describe, expect, it } from 'vitest';
import { Command, RegisterMode } from '../../../drivers/atol/commands/codes.js';
import { decodeCommand } from '../../../drivers/atol/commands/envelope.js';
import { enterModeCommand } from '../../../drivers/atol/commands/mode.js';
import { paymentCommand } from '../../../drivers/atol/commands/payment.js';
import { beginPositionCommand, registerPositionCommand } from '../../../drivers/atol/commands/position.js';
import {
  closeReceiptCommand,
  openReceiptCommand,
  ReceiptType,
} from '../../../drivers/atol/commands/receipt.js';
import { openShiftCommand } from '../../../drivers/atol/commands/shift.js';
import { FiscalCore } from '../../../drivers/atol/virtual/fiscal-core.js';
import type { JournalReceipt } from '../../../drivers/atol/virtual/journal.js';
import { NON_CASH_ABOVE_DUE } from '../../../drivers/atol/virtual/payment-rules.js';
import { judgePayments, registerPaymentOrder } from '../../../drivers/register/payments.js';

describe('judgePayments', () => {
  it('cash above what is due gives change; exact payment gives none', () => {
    // 300,00 − 256,21 = 43,79
    expect(judgePayments([{ type: 'cash', amount: 30000 }], 25621)).toEqual({
      kind: 'ok',
      paid: 30000,
      change: 4379,
    });
    expect(
      judgePayments(
        [
          { type: 'card', amount: 20000 },
          { type: 'cash', amount: 5621 },
        ],
        25621,
      ),
    ).toEqual({ kind: 'ok', paid: 25621, change: 0 });
    // card 200,00 + cash 100,00 for 256,21: the cash covers 56,21 and 43,79 comes back
    expect(
      judgePayments(
        [
          { type: 'cash', amount: 10000 },
          { type: 'card', amount: 20000 },
        ],
        25621,
      ),
    ).toEqual({ kind: 'ok', paid: 30000, change: 4379 });
  });

  it('no other type may exceed what is due, alone or together', () => {
    expect(judgePayments([{ type: 'card', amount: 25622 }], 25621)).toEqual({
      kind: 'non-cash-above-due',
      nonCash: 25622,
      due: 25621,
    });
    expect(
      judgePayments(
        [
          { type: 'card', amount: 20000 },
          { type: 'other', amount: 6000 },
          { type: 'cash', amount: 100 },
        ],
        25621,
      ).kind,
    ).toBe('non-cash-above-due');
  });

  it('less than due is refused', () => {
    expect(judgePayments([{ type: 'cash', amount: 25620 }], 25621)).toEqual({
      kind: 'below-due',
      paid: 25620,
      due: 25621,
    });
    expect(judgePayments([], 1).kind).toBe('below-due');
  });

  it('the register is paid non-cash first, cash last, each group in the given order', () => {
    const order = registerPaymentOrder([
      { type: 'cash', amount: 1 },
      { type: 'card', amount: 2 },
      { type: 'cash', amount: 3 },
      { type: 'other', amount: 4 },
    ]);
    expect(order.map((p) => p.amount)).toEqual([2, 4, 1, 3]);
  });
});

describe('virtual register: payments (99) and close (4A)', () => {
  function openReceiptFor(amount: number): FiscalCore {
    const core = new FiscalCore({ clock: () => new Date('2026-12-03T18:00:00') });
    const run = (payload: Buffer) => core.execute(decodeCommand(payload)!);
    for (const payload of [
      enterModeCommand(0, RegisterMode.Registration, 30),
      openShiftCommand(0),
      openReceiptCommand(0, ReceiptType.Sale),
      beginPositionCommand(0),
      registerPositionCommand(0, {
        name: 'Товар',
        price: amount,
        qtyMilli: 1000,
        amount,
        taxRate: 6,
        section: 1,
      }),
    ]) {
      expect(run(payload).subarray(0, 3)).toEqual(Buffer.of(0x55, 0, 0));
    }
    return core;
  }
  const pay = (core: FiscalCore, type: number, sum: number) =>
    core.execute(decodeCommand(paymentCommand(0, type, sum))!);
  const close = (core: FiscalCore, type = 1, sum = 0) =>
    core.execute(decodeCommand(closeReceiptCommand(0, type, sum))!);
  const lastReceipt = (core: FiscalCore) =>
    core.journal.filter((e): e is JournalReceipt => e.kind === 'receipt').at(-1);

  it('takes 300,00 cash for 256,21 and prints 43,79 change', () => {
    const core = openReceiptFor(25621);
    // reply 55 00 00 | remainder BCD5 0 | change BCD5 43,79
    expect(pay(core, 1, 30000)).toEqual(
      Buffer.from('55 00 00 00 00 00 00 00 00 00 00 43 79'.replace(/ /g, ''), 'hex'),
    );
    expect(close(core)).toEqual(Buffer.of(0x55, 0, 0));
    expect(lastReceipt(core)).toMatchObject({ status: 'closed', total: 25621, change: 4379 });
    expect(lastReceipt(core)!.payments).toEqual([{ type: 1, amount: 30000 }]);
  });

  it('refuses a card above what remains due and changes nothing', () => {
    const core = openReceiptFor(25621);
    expect(pay(core, 2, 25622)).toEqual(Buffer.of(0x55, NON_CASH_ABOVE_DUE, 0));
    expect(pay(core, 2, 20000).subarray(0, 3)).toEqual(Buffer.of(0x55, 0, 0));
    // 56,21 remain: a further 60,00 on card is above it, 60,00 in cash is not
    expect(pay(core, 5, 6000)).toEqual(Buffer.of(0x55, NON_CASH_ABOVE_DUE, 0));
    expect(pay(core, 1, 6000).subarray(0, 3)).toEqual(Buffer.of(0x55, 0, 0));
    expect(close(core)).toEqual(Buffer.of(0x55, 0, 0));
    expect(lastReceipt(core)).toMatchObject({ total: 25621, change: 379 });
    expect(lastReceipt(core)!.payments).toEqual([
      { type: 2, amount: 20000 },
      { type: 1, amount: 6000 },
    ]);
  });

  it('a payment inside the close (4A type sum) follows the same rule; below the total is 114', () => {
    const core = openReceiptFor(25621);
    expect(close(core, 2, 30000)).toEqual(Buffer.of(0x55, NON_CASH_ABOVE_DUE, 0));
    expect(close(core, 1, 25620)).toEqual(Buffer.of(0x55, 114, 0));
    expect(core.receiptOpen).toBe(true);
    expect(close(core, 1, 30000)).toEqual(Buffer.of(0x55, 0, 0));
    expect(lastReceipt(core)).toMatchObject({ status: 'closed', change: 4379 });
    expect(core.executed.filter((c) => c === Command.CloseReceipt)).toHaveLength(3);
  });
});
