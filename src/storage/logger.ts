// The store logs recoveries and damage; it takes any pino-compatible logger (the agent's own),
// and falls back to a pino logger on stderr so a recovery is never silent.
import { pino } from 'pino';

export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function defaultStoreLogger(): StoreLogger {
  return pino({ name: 'store' }, pino.destination(2));
}
