import { sleep } from "../../packages/http-retry/src/index.ts";

/**
 * Wraps a response body so it is read no faster than `bytesPerS`: each pull reads one chunk and
 * then waits until the running total is due. Pull-based with no buffer ahead (highWaterMark 0),
 * so the socket fills and TCP backpressure reaches the server, as with a real slow peer.
 */
export function pacedBody(
  body: ReadableStream<Uint8Array>,
  bytesPerS: number,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const start = performance.now();
  let bytes = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const r = await reader.read();
        if (r.done) return controller.close();
        bytes += r.value.byteLength;
        const wait = start + (bytes / bytesPerS) * 1000 - performance.now();
        if (wait > 0) await sleep(wait, signal ?? new AbortController().signal);
        controller.enqueue(r.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
