// The root logger of `bumpguard serve`. Secrets never reach the log: tokens, keys, webhook
// secrets and signatures are redacted wherever they appear in a logged object.
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'token',
  'privateKey',
  'webhookSecret',
  'secret',
  '*.token',
  '*.privateKey',
  '*.webhookSecret',
  '*.secret',
  '*.*.token',
  '*.*.privateKey',
  '*.*.webhookSecret',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'req.headers["x-gitea-signature"]',
  'req.headers["x-gogs-signature"]',
  'err.request.headers.authorization',
  'err.cause.request.headers.authorization',
];

export function createLogger(opts: { level?: string; destination?: DestinationStream | NodeJS.WritableStream } = {}): Logger {
  const options = { level: opts.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return opts.destination ? pino(options, opts.destination as DestinationStream) : pino(options);
}
