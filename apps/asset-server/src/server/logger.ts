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

const SERVICE = "asset-server";

/** Where lines go: stdout (batched) unless a test captures them. */
export interface LineSink {
  write(line: string): void;
}

/** Marks a logger made by `createLogger` (its line shape is known: request lines may skip pino) with its sink. */
const LINE_SINK = Symbol("subtreekit.lineSink");
type OurLogger = Logger & { [LINE_SINK]?: LineSink };

export function createLogger(level: string, sink: LineSink = destination): Logger {
  const logger = pino(
    // Epoch-ms timestamps (pino's default): formatting an ISO date per line was a measurable
    // part of a rejected request's cost.
    { level, base: { service: SERVICE } },
    sink,
  );
  (logger as OurLogger)[LINE_SINK] = sink;
  return logger;
}

/**
 * Writes one pre-serialised request line (the fields between the braces, no `time`/`level`;
 * the caller checked the level) for a logger made by `createLogger`, exactly as pino would print it, or returns false (any
 * other logger: the caller logs through pino). pino's `info(obj)` was a large share of a rejected
 * request in a 503-storm profile (docs/rejection-cost.md) (object walk, and a diagnostics-channel trace on every line
 * under Bun, whose `hasSubscribers` is never `false`).
 */
export function writeRequestLine(logger: Logger, level: 30 | 40, fields: string): boolean {
  const sink = (logger as OurLogger)[LINE_SINK];
  if (!sink) return false;
  sink.write(`{"level":${level},"time":${Date.now()},"service":"${SERVICE}",${fields},"msg":"request"}\n`);
  return true;
}

export function flushLogger(logger: Logger): void {
  try {
    logger.flush();
  } catch {
    // Nothing to flush (a silent test logger).
  }
  destination.flush();
}
