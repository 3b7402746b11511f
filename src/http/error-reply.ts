// The device bridges answer errors in the agent's one shape, {"error": {"code", "message",
// "details"?}}, also when they run on a bare fastify instance (tests, a separate listener). The
// field naming of bad input is the HTTP layer's, so a till sees the same text everywhere.
import type { FastifyError, FastifyInstance } from 'fastify';
import { TillError } from '../agent/till-api.js';
import { DomainError } from '../domain/errors.js';
import { formatValidation, sendError } from './errors.js';

/** Installs the schema error formatter and error handler inside the calling plugin's scope only. */
export function installErrorReplies(scope: FastifyInstance): void {
  scope.setSchemaErrorFormatter((errors, dataVar) => formatValidation(errors, dataVar));
  scope.setErrorHandler((error: FastifyError | TillError | DomainError | Error, request, reply) => {
    if (error instanceof TillError) {
      return reply
        .status(error.status)
        .send(sendError(error.status, error.code, error.message, error.details).body);
    }
    if (error instanceof DomainError) {
      const status = error.code === 'RETURN_EXCEEDS_SALE' ? 409 : 400;
      return reply.status(status).send(sendError(status, error.code, error.message, error.details).body);
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send(sendError(status, 'BAD_REQUEST', error.message).body);
    }
    request.log.error({ err: error }, 'device bridge failed');
    return reply.status(500).send(sendError(500, 'INTERNAL', 'Internal error: the agent logged it').body);
  });
}
