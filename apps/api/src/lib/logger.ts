import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    // Never log credentials or personal data that might ride along in a request.
    redact: ['req.headers.cookie', 'password', '*.password', 'email', 'phone', 'name'],
  });
}
