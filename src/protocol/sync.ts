// The agent ↔ cloud wire format (../shared/spec/SYNC-API.md), as both ends import it. Each type is
// derived (TypeBox `Static<>`) from the one schema that checks it, in src/protocol/wire/: this file
// only gathers them under the name the sync code imports (docs/ARCHITECTURE.md, "Wire types").

/** The QR key type lives with the token check in the pure core; the wire carries it as is. */
export type { QrKey } from '../domain/types.js';
export type { CachedCustomer, CustomersPage } from './wire/customer.js';
export type { ReceiptForReturn, ReceiptReturnRecord } from './wire/receipt-for-return.js';
export type { Totals } from './wire/totals.js';
export type { Fiscal, Tx, TxCustomer, TxKind, TxLine, TxShownExtras } from './wire/tx.js';
export type { TxResult, TxStatus } from './wire/tx-result.js';
