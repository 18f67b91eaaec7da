/** Bytes kept for the error's `bodySnippet`. */
export const SNIPPET_BYTES = 1024;
/** Bytes read past the snippet and thrown away so the connection can be reused. */
const DRAIN_BYTES = 64 * 1024;
/** A peer trickling its error body must not hold up the retry: give up on reuse after this. */
const DRAIN_MS = 250;

/**
 * Reads the first {@link SNIPPET_BYTES} of a rejected response's body, then drains up to 64 KiB
 * more so the runtime can put the keep-alive connection back in its pool; a longer or slower
 * body is cancelled instead (that costs a new connection, never unbounded reading).
 * Never throws: a failed read just ends the snippet.
 */
export async function drainBody(response: Response, signal?: AbortSignal): Promise<string> {
  const body = response.body;
  if (!body) return "";
  const reader = body.getReader();
  const snippet = new Uint8Array(SNIPPET_BYTES);
  let kept = 0;
  let seen = 0;
  const stop = () => void reader.cancel().catch(() => {});
  const timer = setTimeout(stop, DRAIN_MS);
  signal?.addEventListener("abort", stop, { once: true });
  try {
    while (seen <= SNIPPET_BYTES + DRAIN_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      if (kept < SNIPPET_BYTES) {
        const take = value.subarray(0, SNIPPET_BYTES - kept);
        snippet.set(take, kept);
        kept += take.length;
      }
      seen += value.length;
    }
    if (seen > SNIPPET_BYTES + DRAIN_BYTES) stop();
  } catch {
    stop();
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
    reader.releaseLock();
  }
  return new TextDecoder().decode(snippet.subarray(0, kept));
}
