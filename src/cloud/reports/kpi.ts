// The central office's KPIs over [from, to): members, new members, receipts and average receipt
// (sales only, money = Σ(amount − discount), i.e. before points, which are a means of payment),
// purchase frequency (identified sales per buying customer), repeat rate (share of buying
// customers with two or more sales), points earned (accrual + enrolment bonuses) and spent.
import type { Queryable } from '../db/db.js';

export interface Kpi {
  members: number;
  newMembers: number;
  receipts: number;
  averageReceipt: number;
  purchaseFrequency: number;
  repeatRate: number;
  pointsEarned: number;
  pointsSpent: number;
  /** Extra: the money the average is computed from. */
  revenue: number;
}

export async function computeKpi(q: Queryable, from: Date, to: Date): Promise<Kpi> {
  const [members] = await q.query<{ members: number; new_members: number }>(
    `SELECT COUNT(*) FILTER (WHERE created_at < $2) AS members,
            COUNT(*) FILTER (WHERE created_at >= $1 AND created_at < $2) AS new_members
     FROM customers WHERE NOT deleted`,
    [from, to],
  );
  const [sales] = await q.query<{ receipts: number; revenue: number | null }>(
    `SELECT COUNT(*) AS receipts,
            SUM((body->'totals'->>'amount')::bigint - (body->'totals'->>'discount')::bigint) AS revenue
     FROM transactions WHERE kind = 'sale' AND at >= $1 AND at < $2`,
    [from, to],
  );
  const buyers = await q.query<{ purchases: number }>(
    `SELECT COUNT(*) AS purchases FROM transactions
     WHERE kind = 'sale' AND customer_id IS NOT NULL AND at >= $1 AND at < $2 GROUP BY customer_id`,
    [from, to],
  );
  const [points] = await q.query<{ earned: number | null; spent: number | null }>(
    `SELECT SUM(points) FILTER (WHERE kind IN ('earned', 'enrolment-bonus')) AS earned,
            -SUM(points) FILTER (WHERE kind = 'redeemed') AS spent
     FROM points_ledger WHERE at >= $1 AND at < $2`,
    [from, to],
  );
  const receipts = sales?.receipts ?? 0;
  const revenue = sales?.revenue ?? 0;
  const purchases = buyers.reduce((s, b) => s + b.purchases, 0);
  const repeaters = buyers.filter((b) => b.purchases >= 2).length;
  return {
    members: members?.members ?? 0,
    newMembers: members?.new_members ?? 0,
    receipts,
    averageReceipt: receipts === 0 ? 0 : divideHalfUp(revenue, receipts),
    purchaseFrequency: buyers.length === 0 ? 0 : round(purchases / buyers.length, 2),
    repeatRate: buyers.length === 0 ? 0 : round(repeaters / buyers.length, 4),
    pointsEarned: points?.earned ?? 0,
    pointsSpent: points?.spent ?? 0,
    revenue,
  };
}

/** Integer kopecks: a / b rounded half away from zero, without floating point. */
export function divideHalfUp(a: number, b: number): number {
  const sign = Math.sign(a) * Math.sign(b);
  const x = Math.abs(a);
  const y = Math.abs(b);
  return sign * Math.floor((2 * x + y) / (2 * y));
}

/** Ratios (not money) are shown with a few decimals. */
function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
