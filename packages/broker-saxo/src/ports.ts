/** Logger port: a pino logger satisfies it. Objects first, message second. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Epoch milliseconds. */
export type NowMs = () => number;

/** Waits the given milliseconds; injected so limiters and backoff can run on a virtual clock. */
export type SleepMs = (ms: number) => Promise<void>;

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

export const realSleep: SleepMs = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });
