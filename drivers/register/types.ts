// The driver-neutral fiscal register interface the agent codes against. Money is integer kopecks.

export type TaxRate = 'vat20' | 'vat10' | 'vat0' | 'none';

export interface FiscalLine {
  name: string;
  qty: number;
  /** Kopecks per unit after discount (the engine's fiscal position price). */
  price: number;
  /** Kopecks for the line; Σ amounts is the receipt total. */
  amount: number;
  tax?: TaxRate;
}

export type FiscalPaymentType = 'cash' | 'card' | 'other' | 'prepaid' | 'credit';

export interface FiscalReceiptRequest {
  receiptId: string;
  kind: 'sale' | 'return';
  lines: FiscalLine[];
  payments: { type: FiscalPaymentType; amount: number }[];
  /** Non-fiscal loyalty block printed inside the receipt before it is closed. */
  footer: string[];
  cashier?: { name: string; inn?: string };
}

export interface FiscalDocument {
  /** Fiscal storage (FN) number. */
  fn: string;
  /** Fiscal document number. */
  fd: string;
  /** Fiscal sign. */
  fp: string;
  /** Register clock time of the document, local, `YYYY-MM-DDTHH:mm:ss`. */
  at: string;
  shift?: number;
  total: number;
}

export type RegisterStateName = 'disconnected' | 'connecting' | 'ready' | 'busy' | 'error';

export interface RegisterState {
  driver: string;
  state: RegisterStateName;
  lastError?: { code: number; message: string };
}

export interface FiscalRegister {
  /** 'none' | 'simulator' | 'atol' */
  readonly driver: string;
  open(): Promise<void>;
  close(): Promise<void>;
  state(): RegisterState;
  /** Resolves only after the register closed the receipt; throws RegisterError (nothing fiscal left open). */
  printReceipt(r: FiscalReceiptRequest): Promise<FiscalDocument>;
  /** The last fiscal document of the register, for crash recovery (compare fd numbers). */
  lastDocument(): Promise<FiscalDocument | null>;
  onStateChange(cb: (s: RegisterState) => void): () => void;
}

/**
 * A failure reported by (or about) the register. `deviceCode` is the register's error code
 * (103 no paper, 136 shift over 24 h, …) or one of REGISTER_LOCAL_CODES (≥ 1000) for failures
 * found by the driver itself.
 */
export class RegisterError extends Error {
  constructor(
    readonly deviceCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RegisterError';
  }
}

/** Codes for failures the register itself did not report. */
export const REGISTER_LOCAL_CODES = {
  /** The receipt request is inconsistent (totals, quantities, amounts); nothing was sent. */
  INVALID_REQUEST: 1001,
  /** The register did not answer in time. */
  TIMEOUT: 1002,
  /** The link to the register is down (unplugged) or the driver is closed. */
  DISCONNECTED: 1003,
  /** The register answered something the driver does not understand. */
  PROTOCOL: 1004,
} as const;
