/**
 * Re-chunks arrays of any size into arrays of exactly `size` items (the last may be shorter),
 * pulling the input lazily so only one output chunk plus one input array is held at a time.
 *
 * @example
 * ```ts
 * for await (const c of rechunk(nodeChunks(hashes, 1), 10000)) console.log(c.length);
 * ```
 */
export async function* rechunk<T>(
  input: AsyncIterable<readonly T[]> | Iterable<readonly T[]>,
  size: number,
): AsyncGenerator<readonly T[]> {
  let buf: T[] = [];
  for await (const arr of input) {
    let i = 0;
    // Fast path: an input array that is exactly a chunk, with nothing buffered, passes untouched.
    if (buf.length === 0 && arr.length === size) {
      yield arr;
      continue;
    }
    while (i < arr.length) {
      const take = Math.min(size - buf.length, arr.length - i);
      if (buf.length === 0 && take === size) {
        yield arr.slice(i, i + take);
      } else {
        for (let k = 0; k < take; k++) buf.push(arr[i + k] as T);
        if (buf.length === size) {
          yield buf;
          buf = [];
        }
      }
      i += take;
    }
  }
  if (buf.length > 0) yield buf;
}
