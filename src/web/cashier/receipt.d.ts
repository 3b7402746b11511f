// Types for the browser module receipt.js, so the TypeScript tests can import it.
import type {
  CalculateRequest,
  CalculateResponse,
  CustomerQuery,
  CustomerView,
} from '../../agent/till-api.js';
import type { ReceiptLineInput } from '../../domain/types.js';

export class DraftError extends Error {}
export function newReceiptId(tillId: string | null | undefined, now?: number, random?: () => number): string;
export function parseCoupons(text: string | null | undefined): string[];
export function lineAmount(price: number, qty: number): number;
export const TOTAL_LINE: { sku: string; name: string };

export type RedeemChoice = { kind: 'none' } | { kind: 'points'; points: number } | { kind: 'max' };

export class ReceiptDraft {
  constructor(id: string);
  id: string;
  customerQuery: CustomerQuery | null;
  customer: CustomerView | null;
  lines: ReceiptLineInput[];
  mode: 'lines' | 'total';
  total: number | null;
  redeem: RedeemChoice;
  coupons: string[];
  calculation: CalculateResponse | null;
  stale: boolean;
  sentToAgent: boolean;
  revision: number;
  setCustomer(query: CustomerQuery | null, customer: CustomerView | null): void;
  clearCustomer(): void;
  addLine(line: Omit<ReceiptLineInput, 'lineId'>): ReceiptLineInput;
  removeLine(lineId: string): void;
  setMode(mode: 'lines' | 'total'): void;
  setTotal(kopecks: number | null): void;
  setRedeem(redeem: RedeemChoice): void;
  setCoupons(codes: string[]): void;
  effectiveLines(): ReceiptLineInput[];
  draftAmount(): number;
  toCalculateRequest(): CalculateRequest;
  applyCalculation(result: CalculateResponse, revision?: number): void;
  lineResult(lineId: string): CalculateResponse['lines'][number] | null;
  readonly canConfirm: boolean;
  readonly isEmpty: boolean;
}
