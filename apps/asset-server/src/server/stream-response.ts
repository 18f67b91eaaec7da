import type { AssetHttpError } from "./errors.ts";

/** How a streamed body ended: `ok` clean end, `failed` aborted by a producer error, `gone` client left. */
export type StreamEnd = { outcome: "ok" | "failed" | "gone" | "shutdown"; bytes: number; error?: unknown };

/** Live streamed responses, so shutdown can wait for them and then abort the rest. */
export class ActiveStreams {
  readonly #live = new Set<(error: unknown) => void>();
  #idle: (() => void) | undefined;

  get size(): number {
    return this.#live.size;
  }

  add(abort: (error: unknown) => void): () => void {
    this.#live.add(abort);
    return () => {
      this.#live.delete(abort);
      if (this.#live.size === 0) this.#idle?.();
    };
  }

  /** Resolves when no stream is live, or after `ms`. */
  async drained(ms: number): Promise<void> {
    if (this.#live.size === 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#idle = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  abortAll(error: unknown): void {
    for (const abort of [...this.#live]) abort(error);
  }
}

export interface PeekedOptions {
  /** Next chunk; `null` at a clean end; throws on producer failure. */
  next: () => Promise<Uint8Array | null>;
  headers: Record<string, string>;
  /** Thrown when the producer ends before its first byte (never 200 with an empty body). */
  empty: () => AssetHttpError;
  /** The client left or the stream was aborted: stop the producer. */
  cancel: (reason: unknown) => void;
  onEnd: (end: StreamEnd) => void;
  active: ActiveStreams;
  signal?: AbortSignal;
}

/**
 * A 200 response whose status line is sent only once the first chunk exists: errors before it
 * propagate to the caller (→ 404/500/503). After it, a producer error *errors* the body stream,
 * which makes Bun reset the connection without the terminating zero-length chunk — the client
 * and any proxy see a truncated transfer, never a clean end (spec §6.3; Bun has no hijack).
 * The body is pull-based (highWaterMark 0): one chunk is produced per read, so a stalled client
 * stalls the producer instead of growing memory.
 */
export async function peekedResponse(o: PeekedOptions): Promise<Response> {
  let first: Uint8Array | null;
  try {
    first = await o.next();
  } catch (error) {
    o.cancel(error);
    throw error;
  }
  if (first === null) {
    const e = o.empty();
    o.cancel(e);
    throw e;
  }
  let pending: Uint8Array | null = first;
  let bytes = 0;
  let ended = false;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const finish = (end: Omit<StreamEnd, "bytes">) => {
    if (ended) return false;
    ended = true;
    untrack();
    o.signal?.removeEventListener("abort", onClientAbort);
    o.onEnd({ ...end, bytes });
    return true;
  };
  const untrack = o.active.add((error) => {
    if (finish({ outcome: "shutdown", error })) {
      o.cancel(error);
      controller?.error(error);
    }
  });
  const onClientAbort = () => {
    if (finish({ outcome: "gone" })) o.cancel(new Error("client disconnected"));
  };
  o.signal?.addEventListener("abort", onClientAbort, { once: true });
  // The client may have left while the first chunk was being produced.
  if (o.signal?.aborted) onClientAbort();

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        if (ended) return;
        try {
          const chunk = pending ?? (await o.next());
          pending = null;
          if (ended) return;
          if (chunk === null) {
            finish({ outcome: "ok" });
            c.close();
            return;
          }
          bytes += chunk.length;
          c.enqueue(chunk);
        } catch (error) {
          if (finish({ outcome: "failed", error })) c.error(error);
        }
      },
      cancel(reason) {
        if (finish({ outcome: "gone" })) o.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: o.headers });
}
