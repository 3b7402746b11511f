// Every failure leaves as {"error": {"code", "message", "details"?}}; schema violations name the
// field ("body/points must be >= 1"), and internal errors never show their stack.
import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { errorBody, HttpError } from './http-error.js';

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof HttpError) {
      return reply.code(err.status).send(errorBody(err.code, err.message, err.details));
    }
    if (err.validation) {
      const where = err.validationContext ?? 'request';
      const details = err.validation.map((v) => {
        const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
        const path = `${where}${v.instancePath}${missing ? `/${missing}` : ''}`;
        return missing ? `${path} is required` : `${path} ${v.message ?? 'is invalid'}`;
      });
      return reply.code(400).send(errorBody('VALIDATION', details[0] ?? 'invalid request', details));
    }
    if (err instanceof DomainError) {
      return reply.code(400).send(errorBody(err.code, err.message, err.details));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(errorBody(err.code ?? 'BAD_REQUEST', err.message));
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send(errorBody('INTERNAL', 'internal error; see the server log'));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));
  });
}
