// A real PostgreSQL through a `pg.Pool`. `schema` (tests) confines every connection to one schema.
import pg from 'pg';
import { type Db, INT8_OID, NUMERIC_OID, type Queryable, type SqlParam, toNumber } from './db.js';

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return toNumber;
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

export async function openPostgres(url: string, opts: { schema?: string } = {}): Promise<Db> {
  const config: pg.PoolConfig = { connectionString: url, max: 10, types: types as pg.CustomTypesConfig };
  if (opts.schema) {
    const schema = quoteIdent(opts.schema);
    // Set at connection start-up by the server, so no connection can ever run outside the schema.
    config.options = `-c search_path=${schema}`;
  }
  const pool = new pg.Pool(config);
  try {
    if (opts.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
    // Fail at start, not at the first receipt, when the server is unreachable.
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end();
    throw err;
  }
  return new PgDb(pool);
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}

class PgDb implements Db {
  readonly kind = 'postgres' as const;

  constructor(private readonly pool: pg.Pool) {}

  async query<T>(sql: string, params: SqlParam[] = []): Promise<T[]> {
    const res = await this.pool.query(sql, params);
    return res.rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const scoped: Queryable = {
        query: async <R>(sql: string, params: SqlParam[] = []) =>
          (await client.query(sql, params)).rows as R[],
      };
      const out = await fn(scoped);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        // The connection may already be broken; the original error is the one worth reporting.
      });
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
