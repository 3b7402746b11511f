// The process logger: pino JSON lines on stdout (journald keeps them), level from the config, and
// personal data redacted wherever a caller might put it by mistake.
import pino, { type Logger } from 'pino';

export function createLogger(level: string, name = 'loyalty-agent'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'phone',
        'card',
        'qr',
        'code',
        '*.phone',
        '*.card',
        '*.qr',
        '*.code',
        'customer.displayName',
        'req.headers.authorization',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
