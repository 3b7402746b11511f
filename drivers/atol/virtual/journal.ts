// What the virtual register "printed": the paper trail tests compare against.

export interface JournalPosition {
  name: string;
  /** Kopecks per unit. */
  price: number;
  qty: number;
  amount: number;
  taxRate: number;
}

export interface JournalPayment {
  /** Register payment type code (1 cash, 2 cashless, 3 prepaid, 4 credit, 5 other). */
  type: number;
  amount: number;
}

export interface JournalReceipt {
  kind: 'receipt';
  type: 'sale' | 'return';
  /** Only `closed` receipts are fiscal documents; cancelled ones carry no fd. */
  status: 'closed' | 'cancelled';
  positions: JournalPosition[];
  payments: JournalPayment[];
  texts: string[];
  total: number;
  /** Closed receipts: the change printed (Σ payments − total; only cash can exceed). */
  change?: number;
  fd?: number;
  fp?: number;
  shift?: number;
  clock?: string;
}

export interface JournalShiftReport {
  kind: 'shift-open' | 'shift-close';
  fd: number;
  shift: number;
  clock: string;
}

export interface JournalText {
  kind: 'text';
  text: string;
}

export type JournalEntry = JournalReceipt | JournalShiftReport | JournalText;
