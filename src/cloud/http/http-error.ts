// An error the HTTP layer answers as {"error": {"code", "message", "details"?}} with its status.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: string[] };
}

export function errorBody(code: string, message: string, details?: string[]): ErrorBody {
  return { error: details && details.length > 0 ? { code, message, details } : { code, message } };
}
