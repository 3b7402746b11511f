// A receipt's totals on every wire: the till API's answers, the sync's Tx and the cloud's ingest
// check all use this one schema; its type is the pure core's `Totals` (checked below).
import { type Static, Type } from '@sinclair/typebox';
import type { Totals as DomainTotals } from '../../domain/types.js';
import { KopecksNonNeg, PointsNonNeg } from './money.js';

/** Open (additionalProperties): the till API's serializer must never strip a field. */
export const TotalsSchema = Type.Object(
  {
    amount: KopecksNonNeg(),
    discount: KopecksNonNeg(),
    redeemedPoints: PointsNonNeg(),
    redeemedAmount: KopecksNonNeg(),
    toPay: KopecksNonNeg(),
    accruedPoints: PointsNonNeg(),
  },
  { additionalProperties: true },
);

export type Totals = Static<typeof TotalsSchema>;

// The wire and the core agree both ways (a field added to one and not the other fails the build).
type Assignable<A extends B, B> = A;
export type _TotalsToDomain = Assignable<Totals, DomainTotals>;
export type _DomainToTotals = Assignable<DomainTotals, Totals>;
