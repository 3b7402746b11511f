// Log options for the HTTP layer: JSON lines (journald), and never personal data — no bodies, no
// authorization header, no query strings (a token may travel there for the scan stream).
import type { FastifyReply, FastifyRequest } from 'fastify';

export function httpLoggerOptions(level: string) {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.phone', '*.card', '*.qr', '*.code'],
      censor: '[redacted]',
    },
    serializers: {
      req(req: FastifyRequest) {
        return { method: req.method, url: req.url.split('?')[0], id: req.id };
      },
      res(res: FastifyReply) {
        return { statusCode: res.statusCode };
      },
    },
  };
}
