// One error shape for every failure of the agent's HTTP faces: {"error": {"code", "message",
// "details"?}}, the status from the error catalogue (src/errors/catalogue.ts). Bad input is a 400
// naming the field; nothing unexpected leaks a stack trace to the till. Messages are the cashier's
// (Russian); logs are English.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import { AppError, type ErrorCode, errorBody, frameworkCode } from '../errors/catalogue.js';
import { formatValidation } from './validation-messages.js';

export { formatValidation };

/** ENOSPC/EDQUOT anywhere in the error's cause chain: the store refused a write for lack of space. */
function isDiskFull(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}

const FRAMEWORK_MESSAGES: Partial<Record<ErrorCode, string>> = {
  PAYLOAD_TOO_LARGE: 'Запрос слишком большой',
  UNSUPPORTED_MEDIA_TYPE: 'Неподдерживаемый тип содержимого: нужен application/json',
  BAD_REQUEST: 'Неверный запрос',
};

/** Any error as the catalogue error the till sees, or null for an unexpected one (answered 500). */
export function asAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof DomainError) return new AppError(error.code, error.message, error.details);
  if (isDiskFull(error)) {
    return new AppError(
      'STORAGE_FULL',
      'Агент не может сохранить данные: диск заполнен. Запрос не сохранён; освободите место на диске агента и повторите',
    );
  }
  const fe = error as FastifyError;
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = frameworkCode(fe.statusCode);
    return new AppError(code, `${FRAMEWORK_MESSAGES[code]}: ${fe.message}`);
  }
  return null;
}

/** Answers an error in the one shape; an unexpected one is logged (English) and answered 500. */
export function replyError(error: unknown, request: FastifyRequest, reply: FastifyReply, logText: string) {
  const known = asAppError(error);
  if (known) {
    if (known.code === 'STORAGE_FULL') request.log.error({ err: error }, 'disk full: a write was refused');
    return reply.status(known.status).send(errorBody(known.code, known.message, known.details));
  }
  request.log.error({ err: error }, logText);
  return reply.status(500).send(errorBody('INTERNAL', 'Внутренняя ошибка агента: подробности в его журнале'));
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setSchemaErrorFormatter((errors, dataVar) => formatValidation(errors, dataVar));
  app.setErrorHandler((error, request, reply) => replyError(error, request, reply, 'unexpected error'));
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(errorBody('NOT_FOUND', `Нет такого адреса: ${request.method} ${request.url.split('?')[0]}`));
  });
}
