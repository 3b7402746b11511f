// Types for the browser module return-draft.js, so the TypeScript tests can import it.
import type { ReturnRequest } from '../../agent/till-api.js';

export interface ReturnableLine {
  lineId: string;
  name: string;
  qty: number;
}
export function returnableLines(view: {
  lines: { lineId: string; name?: string; fiscalPositions?: { qty: number }[] }[];
}): ReturnableLine[];
export function buildReturnRequest(input: {
  returnId: string;
  receiptId: string | null | undefined;
  whole: boolean;
  picked?: { lineId: string; qtyText: string }[];
  storeId?: string | null;
}): ReturnRequest;
export function ambiguousStores(
  error: { code?: unknown; details?: unknown } | null | undefined,
): string[] | null;
