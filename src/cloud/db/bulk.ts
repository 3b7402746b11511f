// Multi-row writes in one statement: the rows travel as one JSON array and `json_to_recordset` turns
// them into a typed table (works on PGlite and PostgreSQL alike, whatever the row count). Rows are
// written in the order given, so serial ids follow it.
//
// A table is described once (`Table`): each column with its SQL type and how its value is read from
// the in-memory object a row is made of, so a column's name, type and source sit on one line.
import type { Queryable, SqlParam } from './db.js';

/** The SQL types `json_to_recordset` reads the columns we write as. */
export type SqlType = 'text' | 'integer' | 'bigint' | 'boolean' | 'timestamptz' | 'jsonb';

/** One column: its SQL type and its value for a source object (undefined is written as NULL). */
export interface Column<S> {
  readonly type: SqlType;
  readonly of: (source: S) => SqlParam | undefined;
}

/** A table written from objects of type `S`, its columns named `C` (in column order). */
export interface Table<S, C extends string = string> {
  readonly name: string;
  readonly columns: Readonly<Record<C, Column<S>>>;
}

const ORDER_COLUMN = '_ord';

/** INSERT INTO the table one row per source, in order. `suffix` is appended (e.g. "ON CONFLICT … DO NOTHING"). */
export async function insertRows<S, C extends string>(
  q: Queryable,
  table: Table<S, C>,
  sources: readonly S[],
  suffix = '',
): Promise<void> {
  if (sources.length === 0) return;
  const names = columnNames(table);
  const { from, param } = recordset(table, names, sources);
  const picked = names.map((n) => `r.${n}`).join(', ');
  await q.query(
    `INSERT INTO ${plainIdent(table.name)} (${names.join(', ')}) SELECT ${picked} FROM ${from} ORDER BY r.${ORDER_COLUMN} ${suffix}`,
    [param],
  );
}

/** UPDATE the table's rows matched on `key`, setting `set` (by default every other column) from each source. */
export async function updateRows<S, C extends string>(
  q: Queryable,
  table: Table<S, C>,
  key: NoInfer<C>,
  sources: readonly S[],
  set: readonly NoInfer<C>[] = columnNames(table).filter((n) => n !== key),
): Promise<void> {
  if (sources.length === 0) return;
  const { from, param } = recordset(table, [key, ...set], sources);
  const assignments = set.map((n) => `${n} = r.${n}`).join(', ');
  await q.query(
    `UPDATE ${plainIdent(table.name)} AS t SET ${assignments} FROM ${from} WHERE t.${key} = r.${key}`,
    [param],
  );
}

/** The named columns of each source as a typed relation named `r`, with `_ord` = the source's position. */
function recordset<S, C extends string>(
  table: Table<S, C>,
  names: readonly C[],
  sources: readonly S[],
): { from: string; param: string } {
  const spec = [...names.map((n) => `${plainIdent(n)} ${table.columns[n].type}`), `${ORDER_COLUMN} integer`];
  const rows = sources.map((source, i) => {
    const row: Record<string, SqlParam | undefined> = {};
    for (const n of names) row[n] = table.columns[n].of(source);
    row[ORDER_COLUMN] = i;
    return row;
  });
  return { from: `json_to_recordset($1::json) AS r(${spec.join(', ')})`, param: JSON.stringify(rows) };
}

function columnNames<S, C extends string>(table: Table<S, C>): C[] {
  return Object.keys(table.columns) as C[];
}

function plainIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return name;
}
