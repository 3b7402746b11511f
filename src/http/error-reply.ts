// The device bridges answer errors in the agent's one shape, {"error": {"code", "message",
// "details"?}}, also when they run on a bare fastify instance (tests, a separate listener). The
// codes, statuses and field naming are the HTTP layer's, so a till sees the same text everywhere.
import type { FastifyInstance } from 'fastify';
import { formatValidation, replyError } from './errors.js';

/** Installs the schema error formatter and error handler inside the calling plugin's scope only. */
export function installErrorReplies(scope: FastifyInstance): void {
  scope.setSchemaErrorFormatter((errors, dataVar) => formatValidation(errors, dataVar));
  scope.setErrorHandler((error, request, reply) => replyError(error, request, reply, 'device bridge failed'));
}
