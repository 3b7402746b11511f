// Validates a JSON document against a TypeBox schema and turns every problem into a line that
// names the key: "/http/port must be ≤ 65535", "/registr is not a known key".
import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from './secrets.js';

export function validateAgainst<T>(schema: TSchema, doc: unknown, what: string): T {
  const withDefaults = Value.Default(schema, Value.Clone(doc));
  if (Value.Check(schema, withDefaults)) return withDefaults as T;
  const problems = new Set<string>();
  for (const err of Value.Errors(schema, withDefaults)) {
    const path = err.path || '/';
    // An extra key is reported at its own path (whatever its value: scalar or object).
    if (err.type === ValueErrorType.ObjectAdditionalProperties) {
      problems.add(`${what}: ${path} is not a known key`);
    } else {
      problems.add(`${what}: ${path} ${err.message.toLowerCase()}`);
    }
  }
  throw new ConfigError([...problems]);
}
