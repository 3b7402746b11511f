// Every program version the cloud has ever served, kept so that a receipt is re-checked with the
// rules it was sold under. The config's program becomes the current one at start.
import { createHash, randomBytes } from 'node:crypto';
import { parseProgram } from '../../domain/index.js';
import type { Program } from '../../domain/types.js';
import type { Db, Queryable } from '../db/db.js';

export interface CurrentProgram {
  program: Program;
  /** The program document as loaded (what agents receive, before phoneSalt/qrKeys are added). */
  raw: Record<string, unknown>;
  phoneSalt: string;
}

export class ProgramStore {
  private readonly parsed = new Map<string, Program>();

  private constructor(private current: CurrentProgram) {
    this.parsed.set(current.program.version, current.program);
  }

  /** Stores `raw` as a version (replacing an edited body of the same version) and makes it current. */
  static async install(db: Db, raw: unknown, now: Date, warn: (msg: string) => void): Promise<ProgramStore> {
    const program = parseProgram(raw);
    const body = raw as Record<string, unknown>;
    const etag = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    await db.transaction(async (tx) => {
      const existing = await tx.query<{ etag: string }>('SELECT etag FROM programs WHERE version = $1', [
        program.version,
      ]);
      if (existing[0] && existing[0].etag !== etag) {
        warn(
          `program ${program.version} changed without a new version; receipts are re-checked with the new body`,
        );
      }
      await tx.query('UPDATE programs SET is_current = false WHERE is_current');
      await tx.query(
        `INSERT INTO programs (version, body, etag, loaded_at, is_current) VALUES ($1, $2, $3, $4, true)
         ON CONFLICT (version) DO UPDATE SET body = EXCLUDED.body, etag = EXCLUDED.etag, is_current = true`,
        [program.version, JSON.stringify(body), etag, now],
      );
    });
    const phoneSalt = program.phoneSalt ?? (await storedSalt(db));
    return new ProgramStore({ program, raw: body, phoneSalt });
  }

  get program(): Program {
    return this.current.program;
  }

  get raw(): Record<string, unknown> {
    return this.current.raw;
  }

  get phoneSalt(): string {
    return this.current.phoneSalt;
  }

  /** The program of a version, or null when this cloud never had it (or it no longer parses). */
  async byVersion(q: Queryable, version: string): Promise<Program | null> {
    const cached = this.parsed.get(version);
    if (cached) return cached;
    const rows = await q.query<{ body: unknown }>('SELECT body FROM programs WHERE version = $1', [version]);
    if (!rows[0]) return null;
    try {
      const program = parseProgram(rows[0].body);
      this.parsed.set(version, program);
      return program;
    } catch {
      return null;
    }
  }
}

/** A program without its own phoneSalt gets one generated once and kept, so hashes stay stable. */
async function storedSalt(db: Db): Promise<string> {
  const fresh = randomBytes(16).toString('hex');
  await db.query(`INSERT INTO settings (key, value) VALUES ('phoneSalt', $1) ON CONFLICT (key) DO NOTHING`, [
    JSON.stringify(fresh),
  ]);
  const rows = await db.query<{ value: string }>(`SELECT value FROM settings WHERE key = 'phoneSalt'`);
  return rows[0]!.value;
}
