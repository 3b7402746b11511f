// Conformance: the driver talks to a "register" that only replays byte transcripts written by hand
// from the published layout (fixtures/atol-transcripts.ts). Every byte the host sends must equal the
// transcript; the register's bytes are fed back as written. Nothing here comes from the project's
// own encoder or virtual register, so a misreading shared by both (a TID after A3) cannot hide.

import { afterEach, describe, expect, it } from 'vitest';
import { AtolRegister } from '../../../drivers/atol/driver.js';
import { VirtualAtol } from '../../../drivers/atol/virtual/device.js';
import type { FiscalReceiptRequest } from '../../../drivers/register/types.js';
import { MemoryPair } from '../../../drivers/serial/memory-pair.js';
import {
  TRANSCRIPTS,
  type TranscriptStep,
  VIRTUAL_REGISTER_TRANSCRIPTS,
} from './fixtures/atol-transcripts.js';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const show = (b: Buffer) =>
  b
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');

/** The device end of the cable: checks the host's bytes against the transcript, answers as written. */
class TranscriptPlayer {
  private next = 0;
  private pending = Buffer.alloc(0);
  mismatch: string | null = null;

  constructor(
    private readonly pair: MemoryPair,
    private readonly steps: readonly TranscriptStep[],
  ) {
    pair.device.start();
    pair.device.onData((chunk) => this.onHostBytes(chunk));
  }

  get done(): boolean {
    return this.next === this.steps.length && this.pending.length === 0;
  }

  private onHostBytes(chunk: Buffer): void {
    if (this.mismatch) return;
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      const step = this.steps[this.next];
      if (!step) {
        if (this.pending.length > 0)
          this.mismatch = `host sent ${show(this.pending)} after the transcript ended`;
        return;
      }
      const expected = bytes(step.frame);
      const have = this.pending.subarray(0, expected.length);
      if (!have.equals(expected.subarray(0, have.length))) {
        this.mismatch = `step ${this.next}: expected ${step.frame}, host sent ${show(this.pending)}`;
        return;
      }
      if (have.length < expected.length) return; // the rest of the frame is on its way
      this.pending = this.pending.subarray(expected.length);
      this.next++;
      while (this.steps[this.next]?.from === 'register') {
        this.pair.device.write(bytes(this.steps[this.next]!.frame));
        this.next++;
      }
    }
  }
}

let register: AtolRegister | undefined;
afterEach(async () => {
  await register?.close();
  register = undefined;
});

function play(steps: readonly TranscriptStep[], options: { asyncResults?: boolean } = {}) {
  const pair = new MemoryPair();
  const player = new TranscriptPlayer(pair, steps);
  register = new AtolRegister({
    link: () => pair.host,
    firstId: 0x01,
    ackTimeoutMs: 200,
    retries: 2,
    pollIntervalMs: 5,
    asyncTimeoutMs: 2000,
    openTimeoutMs: 3000,
    ...options,
  });
  return { player, register };
}

/** One position 256,21 ₽ paid with 300,00 ₽ cash, as the transcripts' sale has it. */
const sale = (): FiscalReceiptRequest => ({
  receiptId: 'r-transcript',
  kind: 'sale',
  lines: [{ name: 'Молоко', qty: 1, price: 25621, amount: 25621 }],
  payments: [{ type: 'cash', amount: 30000 }],
  footer: [],
});

const DOCUMENT = {
  fn: '9999078900012345',
  fd: '123',
  fp: '1234567890',
  at: '2026-12-03T18:31:05',
  shift: 12,
  total: 25621,
};

describe('ATOL v3 conformance against hand-written byte transcripts', () => {
  it('status request: Abort, 3F with an A3 reply without TID, FN number', async () => {
    const { player, register } = play(TRANSCRIPTS.statusSync);
    await register.open();
    expect(player.mismatch).toBeNull();
    expect(player.done).toBe(true);
    expect(register.lastStatus()).toEqual({
      cashier: 0,
      clock: '2026-12-03T18:30:00',
      fiscal: true,
      shiftOpen: true,
      paper: true,
      serial: '00123456',
      model: 0x45,
      mode: 1,
      submode: 0,
      receiptNumber: 7,
      shiftNumber: 12,
      receiptState: 0,
      receiptSum: 0,
    });
  });

  it('a sale with a position and cash above the total, every result in the reply (sync)', async () => {
    const { player, register } = play(TRANSCRIPTS.saleSync);
    await register.open();
    const doc = await register.printReceipt(sale());
    expect(player.mismatch).toBeNull();
    expect(player.done).toBe(true);
    expect(doc).toEqual(DOCUMENT);
  });

  it('the same sale with asynchronous results: A1, then an F0 packet A6 TID result', async () => {
    const { player, register } = play(TRANSCRIPTS.saleAsync);
    await register.open();
    const doc = await register.printReceipt(sale());
    expect(player.mismatch).toBeNull();
    expect(player.done).toBe(true);
    expect(doc).toEqual(DOCUMENT);
  });

  it('Req polling through A1, A2, A8 to A3, and an Ack on close', async () => {
    const { player, register } = play(TRANSCRIPTS.reqPolling, { asyncResults: false });
    await register.open();
    expect(register.lastStatus()).toMatchObject({ shiftNumber: 12, receiptNumber: 7 });
    await register.close();
    expect(player.mismatch).toBeNull();
    expect(player.done).toBe(true);
  });

  it('resend: repeats a packet the register asks for, asks for a reply that arrived damaged', async () => {
    const { player, register } = play(TRANSCRIPTS.resend);
    await register.open();
    expect(player.mismatch).toBeNull();
    expect(player.done).toBe(true);
    expect(register.lastStatus()).toMatchObject({ serial: '00123456', shiftNumber: 12 });
  });
});

/** Plays the host's frames to the virtual register one by one; its bytes must equal the transcript. */
async function replayToVirtualRegister(device: VirtualAtol, steps: readonly TranscriptStep[]): Promise<void> {
  const pair = new MemoryPair();
  pair.host.start();
  device.attach(pair.device);
  pair.device.start();
  let received = Buffer.alloc(0);
  pair.host.onData((chunk) => {
    received = Buffer.concat([received, chunk]);
  });
  let expected = Buffer.alloc(0);
  for (const step of steps) {
    if (step.from === 'register') {
      expected = Buffer.concat([expected, bytes(step.frame)]);
      continue;
    }
    await waitForBytes(() => received.length >= expected.length);
    expect(show(received)).toBe(show(expected));
    pair.host.write(bytes(step.frame));
  }
  await waitForBytes(() => received.length >= expected.length);
  await new Promise((resolve) => setTimeout(resolve, 30)); // nothing more may come (no stray F0)
  expect(show(received)).toBe(show(expected));
}

async function waitForBytes(ready: () => boolean): Promise<void> {
  for (let waited = 0; !ready() && waited < 1000; waited += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the virtual register answers like the hand-written transcripts', () => {
  const clock = () => new Date(2026, 11, 3, 18, 30, 0);

  it('sync mode: A5 alone to Abort, A3 <status> without TID to Add', async () => {
    const device = new VirtualAtol({ clock });
    await replayToVirtualRegister(device, VIRTUAL_REGISTER_TRANSCRIPTS.sync);
    device.dispose();
  });

  it('async mode: A1 alone, the result in an F0 packet only when asked, Req, Ack, unknown task', async () => {
    const device = new VirtualAtol({ clock, resultMode: 'async' });
    await replayToVirtualRegister(device, VIRTUAL_REGISTER_TRANSCRIPTS.async);
    device.dispose();
  });
});
