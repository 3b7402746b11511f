// Types for the browser module customer-input.js, so the TypeScript tests can import it.
import type { CustomerQuery } from '../../agent/till-api.js';

export type QueryKind = 'card' | 'phone' | 'qr';
export function toCustomerQuery(
  text: string | null | undefined,
  forced?: 'auto' | QueryKind,
): CustomerQuery | null;
export function queryKind(query: CustomerQuery | null): QueryKind | null;
export const KIND_LABELS: Record<QueryKind, string>;
