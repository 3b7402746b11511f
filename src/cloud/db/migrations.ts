// Versioned schema changes, applied in order at start and recorded in `schema_migrations`.
// Plain SQL that PGlite and PostgreSQL both accept; never edit a released entry, append a new one.
import type { Db } from './db.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'init',
    sql: `
CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL
);

CREATE TABLE programs (
  version text PRIMARY KEY,
  body jsonb NOT NULL,
  etag text NOT NULL,
  loaded_at timestamptz NOT NULL,
  is_current boolean NOT NULL DEFAULT false
);

CREATE TABLE agents (
  agent_id text PRIMARY KEY,
  store_id text NOT NULL,
  last_seq bigint NOT NULL DEFAULT 0,
  last_heartbeat_at timestamptz,
  version text,
  queue jsonb,
  register jsonb
);

CREATE TABLE heartbeats (
  id bigserial PRIMARY KEY,
  agent_id text NOT NULL REFERENCES agents(agent_id),
  at timestamptz NOT NULL,
  body jsonb NOT NULL
);

CREATE SEQUENCE customer_change_seq;

CREATE TABLE customers (
  id text PRIMARY KEY,
  name text NOT NULL DEFAULT '',
  phone text UNIQUE,
  birthday text,
  birthday_bonus_year integer,
  offline_allowance integer,
  enrolment_bonus_tx text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  change_seq bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false
);
CREATE INDEX customers_change_seq ON customers (change_seq);

CREATE TABLE cards (
  card text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id)
);
CREATE INDEX cards_customer ON cards (customer_id);

CREATE TABLE point_lots (
  id bigserial PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  kind text NOT NULL,
  points integer NOT NULL,
  remaining integer NOT NULL,
  available_at timestamptz NOT NULL,
  expires_at timestamptz,
  source_tx text,
  created_at timestamptz NOT NULL
);
CREATE INDEX point_lots_customer ON point_lots (customer_id);

CREATE TABLE points_ledger (
  id bigserial PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  at timestamptz NOT NULL,
  kind text NOT NULL,
  points integer NOT NULL,
  receipt_id text,
  tx_id text
);
CREATE INDEX points_ledger_customer ON points_ledger (customer_id, at);

CREATE TABLE spend_entries (
  id bigserial PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  at timestamptz NOT NULL,
  amount bigint NOT NULL,
  tx_id text
);
CREATE INDEX spend_entries_customer ON spend_entries (customer_id, at);

CREATE TABLE holds (
  hold_id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  points integer NOT NULL,
  receipt_id text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  state text NOT NULL,
  captured_by_tx text
);
CREATE INDEX holds_customer ON holds (customer_id, state);

CREATE TABLE transactions (
  id text PRIMARY KEY,
  ingest_no bigserial UNIQUE,
  agent_id text NOT NULL REFERENCES agents(agent_id),
  seq bigint NOT NULL,
  kind text NOT NULL,
  store_id text NOT NULL,
  till_id text NOT NULL,
  receipt_id text NOT NULL,
  return_id text,
  customer_id text REFERENCES customers(id),
  at timestamptz NOT NULL,
  offline boolean NOT NULL,
  program_version text NOT NULL,
  body jsonb NOT NULL,
  applied_at timestamptz NOT NULL,
  recompute_diff jsonb
);
CREATE INDEX transactions_receipt ON transactions (receipt_id, kind);
CREATE INDEX transactions_at ON transactions (at);

CREATE TABLE rejected_transactions (
  id bigserial PRIMARY KEY,
  tx_id text,
  agent_id text NOT NULL,
  reason text NOT NULL,
  body jsonb,
  at timestamptz NOT NULL
);

CREATE TABLE coupons (
  code text PRIMARY KEY,
  title text,
  percent numeric,
  amount bigint,
  min_amount bigint,
  single_use boolean NOT NULL DEFAULT false,
  valid_from timestamptz,
  valid_to timestamptz,
  used_by_tx text,
  used_at timestamptz
);

CREATE TABLE one_time_codes (
  customer_id text NOT NULL REFERENCES customers(id),
  receipt_id text NOT NULL,
  code text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  PRIMARY KEY (customer_id, receipt_id)
);

CREATE TABLE qr_keys (
  kid text PRIMARY KEY,
  public_key text NOT NULL,
  private_key text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE qr_tokens (
  token_id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
`,
  },
  {
    // Until now an enrolment whose bonus rode inside its sale's accrual (the agent's way: 0 in its own
    // totals, `bonusPoints` set) did not mark the customer, so a second enrolment could pay again.
    // Mark every customer whose first bonus-carrying enrolment is already applied.
    version: 2,
    name: 'enrolment-bonus-once',
    sql: `
UPDATE customers c SET enrolment_bonus_tx = first.id
FROM (
  SELECT DISTINCT ON (customer_id) customer_id, id FROM transactions
  WHERE kind = 'enrolment' AND customer_id IS NOT NULL
    AND (COALESCE((body->'totals'->>'accruedPoints')::numeric, 0) > 0 OR COALESCE((body->>'bonusPoints')::numeric, 0) > 0)
  ORDER BY customer_id, ingest_no
) AS first
WHERE c.id = first.customer_id AND c.enrolment_bonus_tx IS NULL
`,
  },
  {
    // Time changes a customer without any receipt (points mature and expire, the spend window slides,
    // a birthday window opens): the time-change job (src/cloud/time-changes.ts) picks the customers
    // whose next such date has come by this indexed column. NULL = nothing will change with time.
    // Every customer starts due from its last change, so the first run finds what already moved.
    version: 3,
    name: 'customer-next-change',
    sql: `
ALTER TABLE customers ADD COLUMN next_change_at timestamptz;
UPDATE customers SET next_change_at = updated_at;
CREATE INDEX customers_next_change ON customers (next_change_at) WHERE next_change_at IS NOT NULL
`,
  },
  {
    // A QR token serves one sale (MECHANICS: each token id accepted once): the first agent that
    // identifies by it owns it until it expires; another agent asking with it is refused. The agent
    // itself keeps the finer rule (one till, one receipt) offline and online.
    version: 4,
    name: 'qr-token-uses',
    sql: `
CREATE TABLE qr_token_uses (
  token_id text PRIMARY KEY,
  agent_id text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX qr_token_uses_expiry ON qr_token_uses (expires_at)
`,
  },
];

export async function migrate(db: Db, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = new Set(
    (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await db.transaction(async (tx) => {
      // Statements one by one: a parameterised-protocol driver refuses several in one call.
      for (const stmt of splitStatements(m.sql)) await tx.query(stmt);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    });
    applied.push(m.version);
  }
  return applied;
}

/** Our migrations hold no semicolons inside literals or bodies, so a plain split is exact. */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
