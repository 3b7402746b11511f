// Fills an empty database with the demo customers and coupons. Spend and points are booked like
// real history (dated a month ago), so tiers and balances come out of the same rules as live data.
import type { Program } from '../../domain/types.js';
import type { Db } from '../db/db.js';
import { createCoupon } from '../store/coupons.js';
import { createCustomer, findCustomer } from '../store/customers.js';
import { record } from '../store/ledger.js';
import { addLot } from '../store/point-lots.js';
import { addSpend } from '../store/spend.js';
import { addDays, type Clock, localDate } from '../time.js';
import { type DemoData, loadDemoData } from './demo-data.js';

export interface SeedOptions {
  clock: Clock;
  program: Program;
  timezone: string;
  data?: DemoData;
}

/** Returns the data seeded, or null when the demo customers were already there. */
export async function seedDemo(db: Db, opts: SeedOptions): Promise<DemoData | null> {
  const data = opts.data ?? (await loadDemoData());
  const now = opts.clock();
  const past = addDays(now, -30);
  return db.transaction(async (q) => {
    const first = data.customers[0];
    if (first && (await findCustomer(q, { id: first.id }))) return null;
    for (const c of data.customers) {
      const birthday =
        c.birthdayInDays !== undefined
          ? localDate(addDays(now, c.birthdayInDays), opts.timezone).slice(5)
          : c.birthday;
      const data: Parameters<typeof createCustomer>[1] = { id: c.id, name: c.name, cards: [c.card] };
      if (c.phone) data.phone = c.phone;
      if (birthday) data.birthday = birthday;
      if (c.offlineAllowance !== undefined) data.offlineAllowance = c.offlineAllowance;
      await createCustomer(q, data, past);
      await addSpend(q, c.id, past, c.spend, null);
      const expiry = opts.program.accrual.expiryDays;
      if (c.points > 0) {
        await addLot(
          q,
          {
            customerId: c.id,
            kind: 'seed',
            points: c.points,
            availableAt: past,
            expiresAt: expiry === null ? null : addDays(past, expiry),
            sourceTx: null,
          },
          past,
        );
        await record(q, {
          customerId: c.id,
          at: past,
          kind: 'seed',
          points: c.points,
          receiptId: null,
          txId: null,
        });
      }
      if (c.pendingPoints > 0) {
        const availableAt = addDays(now, 7);
        await addLot(
          q,
          {
            customerId: c.id,
            kind: 'seed',
            points: c.pendingPoints,
            availableAt,
            expiresAt: expiry === null ? null : addDays(availableAt, expiry),
            sourceTx: null,
          },
          past,
        );
        await record(q, {
          customerId: c.id,
          at: past,
          kind: 'seed',
          points: c.pendingPoints,
          receiptId: null,
          txId: null,
        });
      }
    }
    for (const c of data.coupons) {
      const coupon: Parameters<typeof createCoupon>[1] = { code: c.code, title: c.title };
      if (c.percent !== undefined) coupon.percent = c.percent;
      if (c.amount !== undefined) coupon.amount = c.amount;
      if (c.minAmount !== undefined) coupon.minAmount = c.minAmount;
      if (c.singleUse !== undefined) coupon.singleUse = c.singleUse;
      if (c.expiredDaysAgo !== undefined) {
        coupon.validFrom = addDays(now, -c.expiredDaysAgo - 30);
        coupon.validTo = addDays(now, -c.expiredDaysAgo);
      }
      await createCoupon(q, coupon);
    }
    return data;
  });
}
