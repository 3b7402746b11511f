// Types for the browser module cash.js, so the TypeScript tests can import it.
export type CashGiven =
  | { kind: 'none' }
  | { kind: 'error'; message: string }
  | { kind: 'cash'; amount: number; change: number };
export function cashGiven(text: string | null | undefined, toPay: number): CashGiven;
export function changeHint(text: string | null | undefined, toPay: number): string;
