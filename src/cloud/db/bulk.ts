// Multi-row writes in one statement: the rows travel as one JSON array and `json_to_recordset` turns
// them into a typed table (works on PGlite and PostgreSQL alike, whatever the row count). Rows are
// written in the order given, so serial ids follow it.
import type { Queryable, SqlParam } from './db.js';

/** A column and its SQL type as `json_to_recordset` should read it ("text", "bigint", "jsonb" …). */
export interface Column {
  name: string;
  type: string;
}

export type Row = Record<string, SqlParam | undefined>;

const ORDER_COLUMN = '_ord';

/** The rows as a typed relation named `r`, with `_ord` = their position in `rows`. */
function recordset(columns: Column[], rows: Row[]): { from: string; param: string } {
  for (const c of columns) plainIdent(c.name);
  const spec = [...columns.map((c) => `${c.name} ${c.type}`), `${ORDER_COLUMN} integer`].join(', ');
  const numbered = rows.map((row, i) => ({ ...row, [ORDER_COLUMN]: i }));
  return { from: `json_to_recordset($1::json) AS r(${spec})`, param: JSON.stringify(numbered) };
}

/** INSERT INTO table (columns) the rows, in order. `suffix` is appended (e.g. "ON CONFLICT … DO NOTHING"). */
export async function insertRows(
  q: Queryable,
  table: string,
  columns: Column[],
  rows: Row[],
  suffix = '',
): Promise<void> {
  if (rows.length === 0) return;
  const { from, param } = recordset(columns, rows);
  const names = columns.map((c) => c.name).join(', ');
  const picked = columns.map((c) => `r.${c.name}`).join(', ');
  await q.query(
    `INSERT INTO ${plainIdent(table)} (${names}) SELECT ${picked} FROM ${from} ORDER BY r.${ORDER_COLUMN} ${suffix}`,
    [param],
  );
}

/** UPDATE table SET each non-key column from the rows, matched on `key`. */
export async function updateRows(
  q: Queryable,
  table: string,
  key: Column,
  columns: Column[],
  rows: Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const { from, param } = recordset([key, ...columns], rows);
  const set = columns.map((c) => `${c.name} = r.${c.name}`).join(', ');
  await q.query(
    `UPDATE ${plainIdent(table)} AS t SET ${set} FROM ${from} WHERE t.${key.name} = r.${key.name}`,
    [param],
  );
}

function plainIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return name;
}
