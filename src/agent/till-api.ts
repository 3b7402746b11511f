// The till-facing operations, transport-neutral: the HTTP routes, the Evotor-style bridge, the
// scanner and the cashier page all go through this one interface (shapes of POS-API.md).
import type {
  CalculateResponse,
  ConfirmResponse,
  IdentifyResponse,
  ReceiptView,
  ReturnResponse,
} from '../protocol/till/replies.js';
import type {
  CalculateRequest,
  ConfirmRequest,
  CustomerQuery,
  ReturnRequest,
} from '../protocol/till/requests.js';

// The bodies and answers are defined once, as the schemas the HTTP routes validate and publish
// (src/protocol/till/): the operations take and return their Static<> types.
export type {
  CalculateResponse,
  ConfirmResponse,
  CustomerView,
  IdentifyResponse,
  ReceiptView,
  ReturnResponse,
} from '../protocol/till/replies.js';
export type {
  CalculateRequest,
  ConfirmRequest,
  CustomerQuery,
  Payment,
  ReturnRequest,
} from '../protocol/till/requests.js';

// The operations throw AppError (src/errors/catalogue.ts): a catalogue code, its status from the table.
export interface TillApi {
  identify(tillId: string, q: CustomerQuery): Promise<IdentifyResponse>;
  calculate(tillId: string, req: CalculateRequest): Promise<CalculateResponse>;
  confirm(tillId: string, receiptId: string, req: ConfirmRequest): Promise<ConfirmResponse>;
  cancel(tillId: string, receiptId: string): Promise<{ receiptId: string; status: 'cancelled' }>;
  get(receiptId: string): Promise<ReceiptView>;
  createReturn(tillId: string, req: ReturnRequest): Promise<ReturnResponse>;
}
