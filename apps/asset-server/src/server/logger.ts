import pino, { type Logger } from "pino";

/**
 * JSON lines to stdout. No worker transports: they hang on exit under Bun (ENGINEERING.md). The
 * destination buffers 4 KiB so a 503 storm does not cost a write syscall per rejected request;
 * `flushLogger` runs at shutdown so no line is lost.
 */
export function createLogger(level: string): Logger {
  return pino(
    // Epoch-ms timestamps (pino's default): formatting an ISO date per line was a measurable
    // part of a rejected request's cost.
    { level, base: { service: "asset-server" } },
    pino.destination({ dest: 1, minLength: 4096, sync: false }),
  );
}

export function flushLogger(logger: Logger): void {
  try {
    logger.flush();
  } catch {
    // Nothing to flush (a silent test logger).
  }
}
