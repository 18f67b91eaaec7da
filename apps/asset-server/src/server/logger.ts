import pino, { type Logger } from "pino";
import { BatchedStdout } from "./log-destination.ts";

/**
 * JSON lines to stdout. No worker transports: they hang on exit under Bun (ENGINEERING.md). The
 * destination batches lines so a 503 storm does not cost a write syscall per rejected request;
 * `flushLogger` runs at shutdown (and after the "listening" line) so no line is lost.
 */
const destination = new BatchedStdout(1);
// A crash or process.exit() must not lose the last lines (the write is synchronous).
process.on("exit", () => destination.flush());

export function createLogger(level: string): Logger {
  return pino(
    // Epoch-ms timestamps (pino's default): formatting an ISO date per line was a measurable
    // part of a rejected request's cost.
    { level, base: { service: "asset-server" } },
    destination,
  );
}

export function flushLogger(logger: Logger): void {
  try {
    logger.flush();
  } catch {
    // Nothing to flush (a silent test logger).
  }
  destination.flush();
}
