// The one catalogue of error codes that any HTTP face of the program answers with (the agent's till
// API, its device bridges and cashier page, the cloud's sync and office APIs), each with its status,
// once. A throw site names a code; the status comes from this table, never from the throw site.
// The codes and statuses that POS-API.md, SYNC-API.md and CENTRAL-API.md name are fixed by them.
// A leaf module: it imports nothing, so the pure core may take its code type.

export const ERROR_STATUS = {
  // Any face: the request itself.
  BAD_REQUEST: 400,
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  STORAGE_FULL: 507,

  // Customers and their identifiers (POS-API.md identify, SYNC-API.md identify).
  CUSTOMER_NOT_FOUND: 404,
  CARD_INVALID: 400,
  PHONE_INVALID: 400,
  QR_INVALID: 400,
  CODE_REQUIRED: 403,
  CODE_INVALID: 403,
  NO_PHONE: 409,

  // Receipts on the till (POS-API.md calculate, confirm, cancel, get).
  RECEIPT_INVALID: 400,
  PROGRAM_INVALID: 400,
  PAYMENTS_MISMATCH: 400,
  RECEIPT_NOT_FOUND: 404,
  RECEIPT_CONFIRMED: 409,
  RECEIPT_CANCELLED: 409,
  RECEIPT_OTHER_TILL: 409,
  RECEIPT_EXPIRED: 409,

  // Returns (POS-API.md returns, SYNC-API.md receipt read).
  RETURN_INVALID: 400,
  RETURN_EXCEEDS_SALE: 409,
  RETURN_ID_CONFLICT: 409,
  RECEIPT_AMBIGUOUS: 409,

  // Points held in the cloud (SYNC-API.md holds).
  INSUFFICIENT_POINTS: 409,
  HOLD_CONFLICT: 409,

  // The register sale and its review (POS-API.md /v1/sales, docs/DECISIONS-devices.md).
  REGISTER_ERROR: 502,
  RECEIPT_NEEDS_REVIEW: 409,
  RECEIPT_PRINTING: 409,
  RECEIPT_NOT_IN_REVIEW: 409,
  FISCAL_DOCUMENT_REQUIRED: 409,
  FISCAL_DOCUMENT_MISMATCH: 409,
  FISCAL_DOCUMENT_INCOMPLETE: 400,
  CONFIRM_PENDING: 503,

  // The scanner bridge.
  SCAN_UNRECOGNIZED: 400,

  // The cloud, seen from the agent.
  CLOUD_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

/** The catalogue code for a 4xx the HTTP framework itself raised (body parsing, content type, size). */
export function frameworkCode(statusCode: number): ErrorCode {
  if (statusCode === 413) return 'PAYLOAD_TOO_LARGE';
  if (statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return 'BAD_REQUEST';
}

/** An error any HTTP face answers as `{"error": {"code", "message", "details"?}}` with its code's status. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** The one error shape; `details` only when there are some (an empty list is left out). */
export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  const none = details === undefined || (Array.isArray(details) && details.length === 0);
  return { error: none ? { code, message } : { code, message, details } };
}
