/**
 * Pulls chunks from a `ReadableStream` with an `AbortSignal`: an abort cancels the stream so a
 * pending read ends at once, and is re-thrown as the signal's reason. `close()` releases the
 * stream: cancels it after an error or an early exit, just releases the lock after a clean end.
 */
export class StreamSource {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly onAbort: (() => void) | undefined;
  private ended = false;

  constructor(
    stream: ReadableStream<Uint8Array>,
    private readonly signal?: AbortSignal,
  ) {
    signal?.throwIfAborted();
    this.reader = stream.getReader();
    if (signal) {
      this.onAbort = () => void this.reader.cancel(signal.reason).catch(() => {});
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
  }

  /** Next chunk, or undefined at the end of the stream. */
  async read(): Promise<Uint8Array | undefined> {
    this.signal?.throwIfAborted();
    const { done, value } = await this.reader.read();
    this.signal?.throwIfAborted();
    if (done) {
      this.ended = true;
      return undefined;
    }
    if (!(value instanceof Uint8Array)) throw new TypeError("stream chunks must be Uint8Array");
    return value;
  }

  /** Releases the stream; cancels it unless it ended cleanly. */
  close(reason?: unknown): void {
    if (this.onAbort) this.signal?.removeEventListener("abort", this.onAbort);
    if (!this.ended) void this.reader.cancel(reason).catch(() => {});
    try {
      this.reader.releaseLock();
    } catch {
      // already released
    }
  }
}
