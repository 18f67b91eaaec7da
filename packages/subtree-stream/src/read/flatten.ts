/**
 * Flattens an async iterable of batches into an async iterable of items without an async
 * generator per item (~2× cheaper per item in Bun): items of the current batch are handed out as
 * already-resolved promises. `return()` (a `break` in `for await`) closes the batch source.
 */
export function flatten<T>(batches: AsyncIterable<T[]>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const source = batches[Symbol.asyncIterator]();
      let batch: T[] = [];
      let i = 0;
      const pull = async (): Promise<IteratorResult<T>> => {
        for (;;) {
          const r = await source.next();
          if (r.done) return { done: true, value: undefined };
          batch = r.value;
          i = 0;
          if (batch.length > 0) return { done: false, value: batch[i++] as T };
        }
      };
      return {
        next(): Promise<IteratorResult<T>> {
          if (i < batch.length) return Promise.resolve({ done: false, value: batch[i++] as T });
          return pull();
        },
        async return(): Promise<IteratorResult<T>> {
          batch = [];
          await source.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
