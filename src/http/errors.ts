// One error shape for every failure: {"error": {"code", "message", "details"?}}. Bad input is a 400
// naming the field; nothing unexpected leaks a stack trace to the till.
import type { FastifyError, FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { TillError } from '../agent/till-api.js';
import { DomainError } from '../domain/errors.js';

export function sendError(status: number, code: string, message: string, details?: unknown) {
  return { status, body: { error: { code, message, ...(details !== undefined && { details }) } } };
}

const domainStatus: Record<string, number> = { RETURN_EXCEEDS_SALE: 409 };

/** "lines/0/qty must be > 0" — the path of the field as the till sent it, then what is wrong. */
export function formatValidation(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const problems = errors.map((e) => {
    const path = e.instancePath ? e.instancePath.slice(1) : dataVar;
    const params = e.params as { additionalProperty?: string; missingProperty?: string };
    if (e.keyword === 'additionalProperties' && params.additionalProperty) {
      return `${path === dataVar ? '' : `${path}/`}${params.additionalProperty} is not allowed`;
    }
    if (e.keyword === 'required' && params.missingProperty) {
      return `${path === dataVar ? '' : `${path}/`}${params.missingProperty} is required`;
    }
    return `${path} ${e.message ?? 'is invalid'}`;
  });
  const unique = [...new Set(problems)];
  const err = new TillError(400, 'BAD_REQUEST', unique.join('; '), unique);
  return err;
}

/** ENOSPC/EDQUOT anywhere in the error's cause chain: the store refused a write for lack of space. */
function isDiskFull(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setSchemaErrorFormatter((errors, dataVar) => formatValidation(errors, dataVar));
  app.setErrorHandler((error: FastifyError | TillError | DomainError | Error, request, reply) => {
    if (error instanceof TillError) {
      return reply
        .status(error.status)
        .send(sendError(error.status, error.code, error.message, error.details).body);
    }
    if (error instanceof DomainError) {
      const status = domainStatus[error.code] ?? 400;
      return reply.status(status).send(sendError(status, error.code, error.message, error.details).body);
    }
    if (isDiskFull(error)) {
      request.log.error({ err: error }, 'disk full: a write was refused');
      return reply
        .status(507)
        .send(
          sendError(
            507,
            'STORAGE_FULL',
            'The agent cannot save: its disk is full. Nothing was saved for this request; free disk space on the agent and try again',
          ).body,
        );
    }
    const fe = error as FastifyError;
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
      return reply.status(fe.statusCode).send(sendError(fe.statusCode, code, fe.message).body);
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send(sendError(500, 'INTERNAL', 'Internal error: the agent logged it').body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(sendError(404, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`).body);
  });
}
