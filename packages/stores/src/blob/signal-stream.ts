/**
 * `stream`, erroring with `signal.reason` once `signal` aborts (and cancelling the source),
 * for callers that cannot reach the stream to cancel it themselves. Pull-based, so it adds no
 * buffering beyond one chunk.
 */
export function signalStream(stream: ReadableStream<Uint8Array>, signal: AbortSignal): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (signal.aborted) {
        await reader.cancel(signal.reason).catch(() => {});
        controller.error(signal.reason);
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
