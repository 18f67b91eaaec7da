import { BodyTooLargeError } from "./errors/body-too-large-error.ts";

/**
 * Reads a whole body into memory, but never more than `maxBytes`: throws `BodyTooLargeError` as
 * soon as the body is known to be longer (a `Content-Length` over the limit, or the first chunk
 * that crosses it) and cancels the rest. At most `maxBytes + 1` bytes are kept; a chunk that
 * crosses the limit is the last one read (fetch bodies are not byte streams in every runtime, so
 * chunk sizes are the server's).
 *
 * @example
 * ```ts
 * const res = await fetchWithRetry(`${base}/subtree/${hash}`)
 * const nodes = await readBounded(res, 32 * 1024 * 1024)
 * ```
 */
export async function readBounded(
  response: Response,
  maxBytes: number,
  options: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  if (!(maxBytes >= 0)) throw new RangeError("readBounded: maxBytes must be >= 0");
  const url = response.url;
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new BodyTooLargeError({ maxBytes, url });
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const onAbort = () => void reader.cancel(options.signal?.reason).catch(() => {});
  options.signal?.throwIfAborted();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      options.signal?.throwIfAborted();
      if (done) break;
      if (total + value.length > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new BodyTooLargeError({ maxBytes, url });
      }
      chunks.push(value);
      total += value.length;
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
