// Walks the error catalogue: every code has one HTTP status, the statuses the specs name are the
// table's, and every code the program throws or answers with (found by scanning src/) is in it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AppError,
  ERROR_STATUS,
  errorBody,
  frameworkCode,
  isErrorCode,
  statusOf,
} from '../../src/errors/catalogue.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Codes as the program uses them on an HTTP face: thrown, put in an error body, or compared by the page. */
const USES = [
  /new AppError\(\s*'([A-Z0-9_]+)'/g,
  /new DomainError\(\s*'([A-Z0-9_]+)'/g,
  /errorBody\(\s*'([A-Z0-9_]+)'/g,
  /statusOf\(\s*'([A-Z0-9_]+)'/g,
  /error: \{\s*code: '([A-Z0-9_]+)'/g,
  /error\?\.code !== '([A-Z0-9_]+)'/g,
  /CODE_ERRORS = new Set\(\[([^\]]+)\]\)/g,
];

function codesUsedIn(text: string): string[] {
  const found: string[] = [];
  for (const re of USES) {
    for (const m of text.matchAll(re)) found.push(...m[1]!.split(',').map((c) => c.trim().replace(/'/g, '')));
  }
  return found;
}

describe('the error catalogue', () => {
  it('gives every code one error status (4xx or 5xx) and names codes in UPPER_SNAKE', () => {
    const entries = Object.entries(ERROR_STATUS);
    expect(entries.length).toBeGreaterThan(30);
    for (const [code, status] of entries) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(Number.isInteger(status), code).toBe(true);
      expect(status >= 400 && status <= 599, `${code} → ${status}`).toBe(true);
    }
  });

  it('holds the statuses the specs name (POS-API.md, SYNC-API.md), written here from the specs', () => {
    const named: Record<string, number> = {
      CUSTOMER_NOT_FOUND: 404,
      CARD_INVALID: 400,
      PHONE_INVALID: 400,
      QR_INVALID: 400,
      CODE_REQUIRED: 403,
      CODE_INVALID: 403,
      RETURN_EXCEEDS_SALE: 409,
      REGISTER_ERROR: 502,
      PAYMENTS_MISMATCH: 400,
      INSUFFICIENT_POINTS: 409,
      UNAUTHORIZED: 401,
    };
    for (const [code, status] of Object.entries(named)) {
      expect(isErrorCode(code), code).toBe(true);
      expect(statusOf(code as keyof typeof ERROR_STATUS), code).toBe(status);
    }
  });

  it('contains every code that src/ throws, answers or compares (a source scan)', () => {
    const files = sourceFiles(join(root, 'src'));
    const unknown: string[] = [];
    let seen = 0;
    for (const file of files) {
      for (const code of codesUsedIn(readFileSync(file, 'utf8'))) {
        seen++;
        if (!isErrorCode(code)) unknown.push(`${relative(root, file)}: ${code}`);
      }
    }
    expect(seen).toBeGreaterThan(60); // the scan finds the throw sites
    expect(unknown).toEqual([]);
  });

  it('the scan itself catches a code outside the catalogue', () => {
    const codes = codesUsedIn(
      "throw new AppError('NO_SUCH_CODE', 'x'); reply.send(errorBody('ALSO_NOT', 'y'))",
    );
    expect(codes).toEqual(['NO_SUCH_CODE', 'ALSO_NOT']);
    expect(codes.filter((c) => !isErrorCode(c))).toEqual(['NO_SUCH_CODE', 'ALSO_NOT']);
  });

  it('has one way to say a status: no throw site passes a status, no handler sends an error code by hand', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      if (/new (TillError|HttpError)\(/.test(text))
        offenders.push(`${relative(root, file)}: old error class`);
      if (/\.(code|status)\(\s*4\d\d\s*\)\s*\.send\(\s*\{\s*error/.test(text))
        offenders.push(relative(root, file));
    }
    expect(offenders).toEqual([]);
  });

  it('AppError takes its status from the table; the body leaves out empty details', () => {
    const e = new AppError('RECEIPT_CONFIRMED', 'Чек r-1 уже проведён', { receiptId: 'r-1' });
    expect(e.status).toBe(409);
    expect(e).toBeInstanceOf(Error);
    expect(errorBody('BAD_REQUEST', 'x', [])).toEqual({ error: { code: 'BAD_REQUEST', message: 'x' } });
    expect(errorBody('BAD_REQUEST', 'x', ['a'])).toEqual({
      error: { code: 'BAD_REQUEST', message: 'x', details: ['a'] },
    });
  });

  it('maps the framework’s own 4xx to catalogue codes', () => {
    expect(frameworkCode(413)).toBe('PAYLOAD_TOO_LARGE');
    expect(frameworkCode(415)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(frameworkCode(400)).toBe('BAD_REQUEST');
    expect(statusOf(frameworkCode(405))).toBe(400);
  });
});
