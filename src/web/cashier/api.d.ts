// Types for the browser module api.js, so the TypeScript tests can import it.
export class ApiError extends Error {
  constructor(status: number, code: string, message: string, details?: unknown);
  status: number;
  code: string;
  details: unknown;
}
export interface Api {
  get<T = unknown>(path: string): Promise<T>;
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
}
export function createApi(options: {
  getToken: () => string | null;
  baseUrl?: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}): Api;
