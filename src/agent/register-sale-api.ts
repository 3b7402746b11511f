// The shapes of a sale through the register (POST /v1/sales, POS-API.md) and of settling the prints
// it left interrupted; shared by the service, the fiscal receipt it prints and the HTTP routes.
// The body and the answer are the schemas of src/protocol/till/ (one definition, types by Static<>).
export type { SaleResponse } from '../protocol/till/replies.js';
export type { SaleRequest } from '../protocol/till/requests.js';

/** What settling interrupted prints did, by receipt id. */
export interface Settlement {
  confirmed: string[];
  dropped: string[];
  review: string[];
}

/** The part of a pino logger the service uses. */
export interface SaleLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
