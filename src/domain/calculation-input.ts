// Checks the parts of a calculation request other than the lines: the receipt time and zone, the
// redeem request, the customer snapshot and the coupons. Every problem is reported at once as
// RECEIPT_INVALID, so an adapter can answer 400 naming the fields.
import { Issues, isObject } from './checks.js';
import { DomainError } from './errors.js';
import { type LocalTime, localTime, parseInstant } from './time-window.js';
import type { CalculationInput } from './types.js';

const COUPON_STATUSES = new Set(['valid', 'unknown', 'used', 'expired']);

function isInt(v: unknown, min = Number.MIN_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
}

/** Returns the receipt's local time in the store's zone; throws RECEIPT_INVALID. */
export function checkCalculationInput(input: CalculationInput): LocalTime {
  const issues = new Issues();
  let local: LocalTime | null = null;
  try {
    parseInstant(input.at);
    try {
      local = localTime(input.at, input.timezone);
    } catch {
      issues.add('timezone', 'must be an IANA time zone such as "Europe/Moscow"');
    }
  } catch {
    issues.add('at', 'must be an ISO-8601 instant with an offset, e.g. "2026-11-22T14:05:00+03:00"');
  }

  const redeem: unknown = input.redeem;
  if (redeem !== undefined) {
    const ok =
      isObject(redeem) &&
      (redeem['max'] === true || (redeem['max'] === undefined && isInt(redeem['points'], 0)));
    if (!ok) issues.add('redeem', 'must be {"points": N} with an integer N ≥ 0, or {"max": true}');
  }

  const c: unknown = input.customer;
  if (c !== null && c !== undefined) {
    if (!isObject(c)) issues.add('customer', 'must be an object or null');
    else {
      if (!isInt(c['periodSpend'], 0)) issues.add('customer.periodSpend', 'must be an integer ≥ 0');
      const b = c['balance'];
      if (!isObject(b) || !isInt(b['available']) || !isInt(b['pending'])) {
        issues.add('customer.balance', 'must hold integer available and pending points');
      }
      if (c['offlineAllowance'] !== undefined && !isInt(c['offlineAllowance'], 0)) {
        issues.add('customer.offlineAllowance', 'must be an integer ≥ 0');
      }
    }
  }

  if (input.offlineRedeemedSinceSync !== undefined && !isInt(input.offlineRedeemedSinceSync, 0)) {
    issues.add('offlineRedeemedSinceSync', 'must be an integer ≥ 0');
  }

  const coupons: unknown = input.coupons;
  if (coupons !== undefined) {
    if (!Array.isArray(coupons)) issues.add('coupons', 'must be an array');
    else {
      coupons.forEach((cp, i) => {
        if (!isObject(cp) || typeof cp['code'] !== 'string' || !COUPON_STATUSES.has(String(cp['status']))) {
          issues.add(`coupons/${i}`, 'must have a code and a status valid|unknown|used|expired');
        }
      });
    }
  }

  if (!issues.empty || !local) {
    throw new DomainError('RECEIPT_INVALID', `The receipt is invalid: ${issues.list[0]}`, issues.list);
  }
  return local;
}
