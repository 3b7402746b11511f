// Validates a JSON document against a TypeBox schema and turns every problem into a line that
// names the key: "/http/port must be ≤ 65535", "/registr is not a known key".
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from './secrets.js';

export function validateAgainst<T>(schema: TSchema, doc: unknown, what: string): T {
  const withDefaults = Value.Default(schema, Value.Clone(doc));
  if (Value.Check(schema, withDefaults)) return withDefaults as T;
  const problems = new Set<string>();
  for (const err of Value.Errors(schema, withDefaults)) {
    const path = err.path || '/';
    const extra = unknownKeys(err.schema, err.value);
    if (extra.length > 0) {
      for (const k of extra) problems.add(`${what}: ${joinPath(path, k)} is not a known key`);
    } else {
      problems.add(`${what}: ${path} ${err.message.toLowerCase()}`);
    }
  }
  throw new ConfigError([...problems]);
}

function joinPath(path: string, key: string): string {
  return path === '/' ? `/${key}` : `${path}/${key}`;
}

function unknownKeys(schema: TSchema, value: unknown): string[] {
  if (schema.additionalProperties !== false || !value || typeof value !== 'object' || Array.isArray(value))
    return [];
  const known = new Set(Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {}));
  return Object.keys(value).filter((k) => !known.has(k));
}
