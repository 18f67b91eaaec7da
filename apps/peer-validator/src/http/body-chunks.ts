import { PeerError } from "../errors/peer-error.ts";
import { stallArmed } from "./headers-stall.ts";

export interface BodyChunksOptions {
  signal: AbortSignal;
  /** Absolute time (performance.now()) by which the whole body must have arrived. */
  deadline: number;
  /** Longest wait for one read (`http_stall_timeout`), ms, 0 = none; the time we spend between reads is not counted. */
  stallMs: number;
  peer: string;
  url: string;
}

/**
 * The chunks of a response body, with the attempt's deadline, the stall timeout and the run's
 * signal applied to every read: a read that waits `stallMs` for a byte ends in
 * PeerError("STALLED"), a body that drips past the attempt's budget in PeerError("TIMEOUT"), and
 * the connection is cancelled, so the next peer can be tried.
 */
export async function* bodyChunks(body: ReadableStream<Uint8Array> | null, o: BodyChunksOptions) {
  if (!body) return;
  const reader = body.getReader();
  let done = false;
  try {
    o.signal.throwIfAborted();
    while (true) {
      const r = await guardedRead(reader, o);
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    // an unfinished body holds the socket: cancel it so the peer sees us go
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** Longest delay a timer can hold; a later deadline is not armed (it cannot come first). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What one read of a body gives. */
type Read = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;

/**
 * One read, bounded by whichever comes first: the stall timeout, the attempt's deadline, the
 * signal. All three are armed per read and disarmed when it settles. Racing every read against
 * one promise that lived as long as the body kept each read's result reachable from it: the
 * whole body stayed in memory (190 MiB of RSS for a 190 MiB body).
 */
async function guardedRead(reader: ReadableStreamDefaultReader<Uint8Array>, o: BodyChunksOptions): Promise<Read> {
  const left = Math.max(0, o.deadline - performance.now());
  const stalls = stallArmed(o.stallMs) && o.stallMs < left;
  const ms = stalls ? o.stallMs : left;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<Read>((resolve, reject) => {
      if (ms <= MAX_TIMER_MS)
        timer = setTimeout(
          () =>
            reject(
              stalls
                ? new PeerError("STALLED", `${o.url}: no body byte for http_stall_timeout (${o.stallMs} ms)`, o)
                : new PeerError("TIMEOUT", `${o.url}: body not complete within the attempt timeout`, o),
            ),
          ms,
        );
      onAbort = () => reject(o.signal.reason);
      o.signal.addEventListener("abort", onAbort, { once: true });
      reader.read().then(resolve, reject);
    });
  } catch (err) {
    if (err instanceof PeerError || o.signal.aborted) throw err;
    // fetchWithRetry's per-attempt timer is linked to the body and fires first
    if ((err as Error)?.name === "TimeoutError")
      throw new PeerError("TIMEOUT", `${o.url}: body not complete within the attempt timeout`, o, { cause: err });
    throw new PeerError("NETWORK", `${o.url}: body broke off: ${(err as Error)?.message ?? err}`, o, { cause: err });
  } finally {
    clearTimeout(timer);
    if (onAbort) o.signal.removeEventListener("abort", onAbort);
  }
}

/** `bodyChunks` as a stream, for the package readers that take one (they cancel it when they stop early). */
export function guardedBody(body: ReadableStream<Uint8Array> | null, o: BodyChunksOptions): ReadableStream<Uint8Array> {
  const it = bodyChunks(body, o);
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        const r = await it.next();
        if (r.done) c.close();
        else c.enqueue(r.value);
      },
      async cancel() {
        await it.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The whole body, at most `maxBytes` (else `onTooLarge()` is thrown), through `bodyChunks`. With
 * `sizeHint` (the response's Content-Length) the chunks are copied into one buffer as they come:
 * collecting them and joining at the end held the body twice (64 MiB for a 1M-node subtree).
 */
export async function readAll(
  body: ReadableStream<Uint8Array> | null,
  o: BodyChunksOptions & { maxBytes: number; onTooLarge: (bytes: number) => Error; sizeHint?: number },
): Promise<Uint8Array> {
  const hint = o.sizeHint;
  let out =
    hint !== undefined && Number.isSafeInteger(hint) && hint > 0 && hint <= o.maxBytes
      ? new Uint8Array(hint)
      : undefined;
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const c of bodyChunks(body, o)) {
    if (total + c.length > o.maxBytes) throw o.onTooLarge(total + c.length);
    if (out && total + c.length > out.length) {
      parts.push(out.subarray(0, total)); // more than announced: join at the end after all
      out = undefined;
    }
    if (out) out.set(c, total);
    else parts.push(c);
    total += c.length;
  }
  if (out) return total === out.length ? out : out.subarray(0, total);
  const joined = new Uint8Array(total);
  let p = 0;
  for (const c of parts) {
    joined.set(c, p);
    p += c.length;
  }
  return joined;
}
