// The narrow port a sale through the register talks to (register-sale.ts): look a receipt up, hold
// it while it is calculated, printed and confirmed, calculate it, run the confirm's checks before
// printing, confirm it after the register printed it, cancel it when a person says it was not
// printed. The till service implements it; the register sale sees nothing else of the till.
import type { Fiscal, Tx } from '../protocol/sync.js';
import type { PrintedConfirmWaiver } from './confirmer.js';
import type { CalculateRequest, CalculateResponse, ConfirmRequest, ConfirmResponse } from './till-api.js';

/** Where a receipt stands; a confirmed one with its view, fiscal document and payments. Never throws. */
export type ReceiptLookup =
  | { status: 'confirmed'; view: CalculateResponse; fiscal: Fiscal | undefined; payments: Tx['payments'] }
  | { status: 'calculated' | 'cancelled' | 'unknown' };

export interface PrintedSale {
  lookUp(receiptId: string): ReceiptLookup;
  /** Runs `work` as the only operation on the receipt (calls below made inside it run at once). */
  exclusive<T>(receiptId: string, work: () => Promise<T>): Promise<T>;
  calculate(tillId: string, req: CalculateRequest): Promise<CalculateResponse>;
  /** The checks of confirm that need no write (the receipt, its till, the phone code). */
  precheckConfirm(tillId: string, receiptId: string, code: string | undefined): Promise<void>;
  /**
   * Confirms a printed receipt: an expired points hold does not stop it, a cancel does unless
   * `evenIfCancelled` (a person's decision); `waived` names what a till's confirm would have refused.
   */
  confirmPrinted(
    tillId: string,
    receiptId: string,
    req: ConfirmRequest & { fiscal: Fiscal },
    o?: { evenIfCancelled?: boolean },
  ): Promise<ConfirmResponse & { waived: PrintedConfirmWaiver[] }>;
  cancel(tillId: string, receiptId: string): Promise<{ receiptId: string; status: 'cancelled' }>;
}

/** The fiscal document a confirmed sale was printed with, if it is confirmed and has one. */
export function printedFiscal(till: Pick<PrintedSale, 'lookUp'>, receiptId: string): Fiscal | undefined {
  const found = till.lookUp(receiptId);
  return found.status === 'confirmed' ? found.fiscal : undefined;
}
