// Embedded PostgreSQL (PGlite): `pglite:memory` for tests, `pglite:DIR` for a one-machine install.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { type Db, INT8_OID, NUMERIC_OID, type Queryable, type SqlParam, toNumber } from './db.js';

export async function openPglite(dir: string | null): Promise<Db> {
  if (dir) await mkdir(dir, { recursive: true });
  const pg = await PGlite.create(dir ?? undefined, {
    parsers: { [INT8_OID]: toNumber, [NUMERIC_OID]: toNumber },
  });
  return new PgliteDb(pg);
}

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;

  constructor(private readonly pg: PGlite) {}

  async query<T>(sql: string, params: SqlParam[] = []): Promise<T[]> {
    const res = await this.pg.query<T>(sql, params);
    return res.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (tx) => {
      const scoped: Queryable = {
        query: async <R>(sql: string, params: SqlParam[] = []) => (await tx.query<R>(sql, params)).rows,
      };
      return fn(scoped);
    });
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}
