import { type DestinationStream, type Logger, pino } from 'pino';

/** Paths redacted from every log line, whatever component logs them. */
export const REDACT_PATHS = [
  'apiKey',
  'api_key',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'authorization',
  'password',
  'secret',
  '*.apiKey',
  '*.api_key',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.authorization',
  '*.Authorization',
  '*.polygonApiKey',
  '*.headers.authorization',
  '*.headers.Authorization',
  'headers.authorization',
  'headers.Authorization',
  'env.polygonApiKey',
];

export interface LoggerOptions {
  level: string;
  /** Pretty output (pino-pretty in a worker) only for humans at a terminal. */
  pretty: boolean;
  /** Where JSON lines go; stdout (synchronously, so nothing is lost on exit) when absent. */
  destination?: DestinationStream;
}

/** The root pino logger of the process. Components get `logger.child({ component })`. */
export function createRootLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    base: { service: 'scan-cycle' },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (options.pretty && options.destination === undefined) {
    try {
      return pino({
        ...base,
        formatters: {},
        transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:standard' } },
      });
    } catch {
      // pino-pretty is not installed in a production image: plain JSON is fine.
    }
  }
  return pino(base, options.destination ?? pino.destination({ dest: 1, sync: true }));
}

/** Scrubs known secret values from a free-form string (error messages from third parties). */
export function scrubSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** A logger that writes nothing (benchmarks, in-process callers that report on their own). */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
