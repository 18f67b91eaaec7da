/** Why a server child process never became ready. */
export type ServerStartErrorCode = "SERVER_EXITED" | "SERVER_START_TIMEOUT" | "SERVER_START_ABORTED";

/**
 * A server child process did not answer `/health`. Carries the tail of what the child wrote, since
 * the reason (a bad setting, a store that would not open) is in its own output, not in ours.
 */
export class ServerStartError extends Error {
  override name = "ServerStartError" as const;
  readonly code: ServerStartErrorCode;
  /** The child's exit code when `code` is `SERVER_EXITED`. */
  readonly exitCode: number | undefined;
  /** The last few KB of the child's stderr. */
  readonly stderr: string;
  /** The last few KB of the child's stdout and stderr, interleaved as they arrived. */
  readonly output: string;

  constructor(
    code: ServerStartErrorCode,
    message: string,
    details: { stderr: string; output: string; exitCode?: number; cause?: unknown },
  ) {
    // The output tail goes into the message too: a test failure report shows the message, not fields.
    super(`${message}\n--- child output (tail) ---\n${details.output.slice(-4000)}`, { cause: details.cause });
    this.code = code;
    this.exitCode = details.exitCode;
    this.stderr = details.stderr;
    this.output = details.output;
  }
}
