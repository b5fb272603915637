import type { Logger } from '../ports.js';

export interface CapturedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/** Logger that keeps every line; `text()` is everything serialised, for "no secret in logs" checks. */
export interface CaptureLogger extends Logger {
  lines: CapturedLine[];
  text(): string;
  messages(level?: CapturedLine['level']): string[];
}

export function createCaptureLogger(): CaptureLogger {
  const lines: CapturedLine[] = [];
  const at =
    (level: CapturedLine['level']) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => lines.map((l) => JSON.stringify({ level: l.level, ...l.obj, msg: l.msg })).join('\n'),
    messages: (level) => lines.filter((l) => !level || l.level === level).map((l) => l.msg ?? ''),
  };
}
