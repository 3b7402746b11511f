// The units every wire schema counts in (SYNC-API.md, POS-API.md): integer kopecks and integer
// points. The descriptions reach the till API's OpenAPI document.
import { Type } from '@sinclair/typebox';

/** Integer kopecks, either sign (a balance, a change). */
export const Kopecks = (description = 'kopecks') => Type.Integer({ description });
/** Integer points, either sign (a balance may be read back below zero). */
export const Points = (description = 'points') => Type.Integer({ description });
/** Integer kopecks ≥ 0: every figure of a receipt line and of its totals. */
export const KopecksNonNeg = (description = 'kopecks') => Type.Integer({ minimum: 0, description });
/** Integer points ≥ 0. */
export const PointsNonNeg = (description = 'points') => Type.Integer({ minimum: 0, description });
