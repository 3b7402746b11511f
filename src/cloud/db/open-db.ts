// Picks the driver from the config's `database` string and brings the schema up to date.
import { resolve } from 'node:path';
import type { Db } from './db.js';
import { migrate } from './migrations.js';
import { openPostgres } from './pg-db.js';
import { openPglite } from './pglite-db.js';

export async function openDb(database: string, opts: { schema?: string } = {}): Promise<Db> {
  const db = await connect(database, opts);
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

async function connect(database: string, opts: { schema?: string }): Promise<Db> {
  if (database === 'pglite:memory') return openPglite(null);
  if (database.startsWith('pglite:')) return openPglite(resolve(database.slice('pglite:'.length)));
  if (/^postgres(ql)?:\/\//.test(database)) return openPostgres(database, opts);
  throw new Error(`database must be "pglite:memory", "pglite:DIR" or a postgres:// URL, got "${database}"`);
}
