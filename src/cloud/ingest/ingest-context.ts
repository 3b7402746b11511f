// What applying a batch needs besides the database: the programs, the zone and "now".
import type { ProgramStore } from '../store/program-store.js';

export interface IngestContext {
  programs: ProgramStore;
  timezone: string;
  now: Date;
}

/** How one transaction ended, before the customer's balance is attached to the answer. */
export type ApplyOutcome =
  | { status: 'accepted'; customerId: string | null }
  | { status: 'retry'; reason: string };
