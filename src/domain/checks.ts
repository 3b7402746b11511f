// Field readers shared by the program and receipt validators. Each reader records a problem as
// "path reason" in an issue list instead of throwing, so a validator can report every problem
// of a document at once and never half-load it.
import { QTY_SCALE, RATIO_SCALE, scaledOrNull } from './money.js';

export type Json = Record<string, unknown>;

export class Issues {
  readonly list: string[] = [];
  add(path: string, reason: string): void {
    this.list.push(`${path} ${reason}`);
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A child object; absent → `{}` (defaults apply) unless required. */
export function objectAt(issues: Issues, parent: Json, key: string, path: string, required = false): Json {
  const v = parent[key];
  if (v === undefined && !required) return {};
  if (!isObject(v)) {
    issues.add(path, v === undefined ? 'is required' : 'must be an object');
    return {};
  }
  return v;
}

export function arrayAt(
  issues: Issues,
  parent: Json,
  key: string,
  path: string,
  required = false,
): unknown[] {
  const v = parent[key];
  if (v === undefined && !required) return [];
  if (!Array.isArray(v)) {
    issues.add(path, v === undefined ? 'is required' : 'must be an array');
    return [];
  }
  return v;
}

export function stringAt(
  issues: Issues,
  parent: Json,
  key: string,
  path: string,
  opts: { required?: boolean; fallback?: string; nonEmpty?: boolean } = {},
): string | undefined {
  const v = parent[key];
  if (v === undefined) {
    if (opts.required) issues.add(path, 'is required');
    return opts.fallback;
  }
  if (typeof v !== 'string') {
    issues.add(path, 'must be a string');
    return opts.fallback;
  }
  if (opts.nonEmpty && v.trim() === '') {
    issues.add(path, 'must not be empty');
    return opts.fallback;
  }
  return v;
}

export function booleanAt(
  issues: Issues,
  parent: Json,
  key: string,
  path: string,
  fallback: boolean,
): boolean {
  const v = parent[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') {
    issues.add(path, 'must be true or false');
    return fallback;
  }
  return v;
}

/** An integer within [min, max]; absent → fallback (or an issue when no fallback). */
export function integerAt(
  issues: Issues,
  parent: Json,
  key: string,
  path: string,
  opts: { min?: number; max?: number; fallback?: number },
): number {
  const v = parent[key];
  if (v === undefined) {
    if (opts.fallback === undefined) issues.add(path, 'is required');
    return opts.fallback ?? 0;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    issues.add(path, 'must be an integer');
    return opts.fallback ?? 0;
  }
  if (opts.min !== undefined && v < opts.min) {
    issues.add(path, `must be ≥ ${opts.min}`);
    return opts.fallback ?? 0;
  }
  if (opts.max !== undefined && v > opts.max) {
    issues.add(path, `must be ≤ ${opts.max}`);
    return opts.fallback ?? 0;
  }
  return v;
}

/** A percent 0..max with at most 4 decimals. */
export function percentAt(
  issues: Issues,
  parent: Json,
  key: string,
  path: string,
  opts: { fallback?: number; max?: number } = {},
): number {
  const v = parent[key];
  const max = opts.max ?? 100;
  if (v === undefined) {
    if (opts.fallback === undefined) issues.add(path, 'is required');
    return opts.fallback ?? 0;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    issues.add(path, 'must be a number');
    return 0;
  }
  if (v < 0 || v > max) {
    issues.add(path, `must be between 0 and ${max}`);
    return 0;
  }
  if (scaledOrNull(v, RATIO_SCALE) === null) {
    issues.add(path, 'must have at most 4 decimals');
    return 0;
  }
  return v;
}

/** A quantity > 0 with at most 3 decimals. */
export function quantityIssue(v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a number';
  if (v <= 0) return 'must be > 0';
  if (scaledOrNull(v, QTY_SCALE) === null) return 'must have at most 3 decimals';
  return null;
}

/** A list of non-empty strings, or undefined when absent. */
export function stringListAt(issues: Issues, parent: Json, key: string, path: string): string[] | undefined {
  const v = parent[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    issues.add(path, 'must be an array of strings');
    return undefined;
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item !== 'string' || item === '') issues.add(`${path}[${i}]`, 'must be a non-empty string');
    else out.push(item);
  });
  return out;
}
