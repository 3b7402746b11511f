// The shapes of a sale through the register (POST /v1/sales, POS-API.md) and of settling the prints
// it left interrupted; shared by the service, the fiscal receipt it prints and the HTTP routes.
import type { CalculateRequest, CalculateResponse, Payment } from './till-api.js';

export interface SaleRequest extends CalculateRequest {
  payments: Payment[];
  cashier?: { name: string; inn?: string };
  code?: string;
}

export interface SaleResponse extends CalculateResponse {
  fiscal: { fn: string; fd: string; fp: string; at: string };
  /** Cash to give back: Σ payments − toPay (0 when paid exactly). */
  change: number;
}

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
