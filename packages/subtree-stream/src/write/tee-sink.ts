import type { TxSink } from "./types.ts";

/**
 * Lockstep tee: each write goes to `a`, then (once `a` accepted it) to `b`; the returned write
 * settles when both have, and fails if either fails. Unlike `ReadableStream.tee()`, which buffers
 * without limit for the slower branch, the slower of the two paces the producer. Put the file
 * first and the HTTP body second, so a client never receives bytes the file lacks.
 *
 * @example
 * ```ts
 * await writeSubtreeData({ nodes, source, sink: teeSink(fileSink, httpSink) });
 * ```
 */
export function teeSink(a: TxSink, b: TxSink): TxSink {
  return {
    write(bytes: Uint8Array): void | Promise<void> {
      const ra = a.write(bytes);
      // Stay synchronous when both sides are: an await per tx costs measurable throughput.
      if (ra !== undefined && typeof (ra as Promise<void>).then === "function") {
        return (ra as Promise<void>).then(() => b.write(bytes));
      }
      return b.write(bytes);
    },
  };
}
