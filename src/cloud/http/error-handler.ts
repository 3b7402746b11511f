// Every failure leaves as {"error": {"code", "message", "details"?}} with the status of its code in
// the error catalogue (src/errors/catalogue.ts); schema violations name the field
// ("body/points must be >= 1"), and internal errors never show their stack. The cloud's APIs are
// for agents and the office: their messages stay English (docs/DECISIONS-errors.md).
import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { AppError, errorBody, frameworkCode, statusOf } from '../../errors/catalogue.js';

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) {
      return reply.code(err.status).send(errorBody(err.code, err.message, err.details));
    }
    if (err.validation) {
      const where = err.validationContext ?? 'request';
      const details = err.validation.map((v) => {
        const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
        const path = `${where}${v.instancePath}${missing ? `/${missing}` : ''}`;
        return missing ? `${path} is required` : `${path} ${v.message ?? 'is invalid'}`;
      });
      return reply
        .code(statusOf('VALIDATION'))
        .send(errorBody('VALIDATION', details[0] ?? 'invalid request', details));
    }
    if (err instanceof DomainError) {
      return reply.code(statusOf(err.code)).send(errorBody(err.code, err.message, err.details));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const code = frameworkCode(err.statusCode);
      return reply.code(statusOf(code)).send(errorBody(code, err.message));
    }
    req.log.error({ err }, 'request failed');
    return reply.code(statusOf('INTERNAL')).send(errorBody('INTERNAL', 'internal error; see the server log'));
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .code(statusOf('NOT_FOUND'))
      .send(errorBody('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));
  });
}
