// The cloud's only view of its database: the same SQL runs on embedded PGlite and on PostgreSQL
// through `pg`, so every query in src/cloud goes through these two calls.

/** Parameters are positional ($1, $2 …); JS numbers, strings, booleans, null, Dates and JSON objects. */
export type SqlParam = string | number | boolean | null | Date | object;

export interface Queryable {
  query<T>(sql: string, params?: SqlParam[]): Promise<T[]>;
}

export interface Db extends Queryable {
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** BEGIN … COMMIT around `fn`; any throw rolls back and is rethrown. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** "pglite" or "postgres", for logs and the page. */
  readonly kind: 'pglite' | 'postgres';
}

// int8 and numeric come back as strings from PostgreSQL; our values (kopecks, points, sequence
// numbers) stay far below 2^53, so both drivers turn them into plain numbers.
export const INT8_OID = 20;
export const NUMERIC_OID = 1700;

export function toNumber(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`database returned a non-numeric value: ${text}`);
  return n;
}
