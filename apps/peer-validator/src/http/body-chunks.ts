import { PeerError } from "../errors/peer-error.ts";

export interface BodyChunksOptions {
  signal: AbortSignal;
  /** Absolute time (performance.now()) by which the whole body must have arrived. */
  deadline: number;
  peer: string;
  url: string;
}

/**
 * The chunks of a response body, with the attempt's deadline and the run's signal applied to
 * every read: a body that stalls forever, or drips slower than `--timeout` allows, ends in a
 * PeerError("TIMEOUT") and the connection is cancelled, so the next peer can be tried.
 */
export async function* bodyChunks(body: ReadableStream<Uint8Array> | null, o: BodyChunksOptions) {
  if (!body) return;
  const reader = body.getReader();
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    const ms = Math.max(0, o.deadline - performance.now());
    timer = setTimeout(
      () => reject(new PeerError("TIMEOUT", `${o.url}: body not complete within the attempt timeout`, o)),
      ms,
    );
    onAbort = () => reject(o.signal.reason);
    o.signal.addEventListener("abort", onAbort, { once: true });
  });
  stop.catch(() => {});
  try {
    o.signal.throwIfAborted();
    while (true) {
      let r: Awaited<ReturnType<typeof reader.read>>;
      try {
        r = await Promise.race([reader.read(), stop]);
      } catch (err) {
        if (err instanceof PeerError || o.signal.aborted) throw err;
        // fetchWithRetry's per-attempt timer is linked to the body and fires first
        if ((err as Error)?.name === "TimeoutError")
          throw new PeerError("TIMEOUT", `${o.url}: body not complete within the attempt timeout`, o, { cause: err });
        throw new PeerError("NETWORK", `${o.url}: body broke off: ${(err as Error)?.message ?? err}`, o, {
          cause: err,
        });
      }
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    clearTimeout(timer);
    if (onAbort) o.signal.removeEventListener("abort", onAbort);
    // an unfinished body holds the socket: cancel it so the peer sees us go
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** The whole body, at most `maxBytes` (else `onTooLarge()` is thrown), through `bodyChunks`. */
export async function readAll(
  body: ReadableStream<Uint8Array> | null,
  o: BodyChunksOptions & { maxBytes: number; onTooLarge: (bytes: number) => Error },
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const c of bodyChunks(body, o)) {
    total += c.length;
    if (total > o.maxBytes) throw o.onTooLarge(total);
    parts.push(c);
  }
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of parts) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
