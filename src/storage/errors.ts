// Errors of the durable store. Each names the file or lock involved and what the operator can do,
// because they surface at startup, in a log, in front of someone who has to act on them.

/** A file that holds confirmed transactions is damaged and no good copy of it exists. */
export class StoreCorruptError extends Error {
  readonly code = 'STORE_CORRUPT';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `store file ${file} is damaged (${reason}) and has no good backup copy; it holds confirmed ` +
        `transactions, so the agent refuses to start rather than lose them silently. Move the file aside ` +
        `(keep it for inspection) and restart; the cloud has every transaction that was already synced.`,
    );
    this.name = 'StoreCorruptError';
  }
}

/** Another live process holds the data directory. */
export class StoreLockedError extends Error {
  readonly code = 'STORE_LOCKED';
  constructor(
    readonly lockFile: string,
    readonly pid: number | null,
  ) {
    super(
      `data directory is in use: ${lockFile} is held by ` +
        (pid === null ? 'another process' : `process ${pid}`) +
        '; stop that agent first (a lock left by a dead process or by a run before the last reboot is taken over automatically)',
    );
    this.name = 'StoreLockedError';
  }
}

/** A write was attempted on a store opened read-only (the CLI's view). */
export class StoreReadOnlyError extends Error {
  readonly code = 'STORE_READ_ONLY';
  constructor(what: string) {
    super(`the store is open read-only: cannot ${what}`);
    this.name = 'StoreReadOnlyError';
  }
}

/** A write was attempted after `close()`. */
export class StoreClosedError extends Error {
  readonly code = 'STORE_CLOSED';
  constructor(what: string) {
    super(`the store is closed: cannot ${what}`);
    this.name = 'StoreClosedError';
  }
}

/** The journal already holds a transaction with this id (ids are the cloud's idempotency keys). */
export class JournalDuplicateIdError extends Error {
  readonly code = 'JOURNAL_DUPLICATE_ID';
  constructor(readonly txId: string) {
    super(`the journal already holds a transaction with id ${txId}`);
    this.name = 'JournalDuplicateIdError';
  }
}
