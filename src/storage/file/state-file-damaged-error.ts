// A state file whose loss cannot be re-learned from the cloud (e.g. the receipts being printed) is
// damaged and no good copy exists. It is a StoreCorruptError, so the start refuses it the same way
// as a damaged journal segment, but its message says what this file holds and what to do.
import { StoreCorruptError } from '../errors.js';

export class StateFileDamagedError extends StoreCorruptError {
  constructor(
    file: string,
    reason: string,
    /** What the file holds, e.g. "the receipts that were being printed". */
    readonly holds: string,
    /** What the operator does about it, as full sentences. */
    readonly advice: string,
  ) {
    super(file, reason);
    this.message =
      `store file ${file} is damaged (${reason}) and has no good backup copy; it holds ${holds}, ` +
      `so the agent refuses to start rather than forget them. ${advice}`;
    this.name = 'StateFileDamagedError';
  }
}
