/**
 * Like {@link rechunk}, but a chunk also ends before the summed `weightOf` of its items would pass
 * `maxWeight` (a chunk always takes at least one item, however heavy). Why: the writer's memory is
 * `window × chunk`, and a chunk of 10,000 txs is 2.5 MB of 250-byte txs but 20 MB of 2 KB txs and
 * 1 GB of 100 KB txs; weighing each node by its tx size bounds the bytes, not only the count.
 * Pulls the input lazily, like `rechunk`.
 *
 * @example
 * ```ts
 * for await (const c of rechunkByWeight(batches, 10_000, 4 << 20, (node, i) => sizes[i])) fetch(c);
 * ```
 */
export async function* rechunkByWeight<T>(
  input: AsyncIterable<readonly T[]> | Iterable<readonly T[]>,
  size: number,
  maxWeight: number,
  weightOf: (item: T, index: number) => number,
): AsyncGenerator<readonly T[]> {
  let buf: T[] = [];
  let weight = 0;
  let index = 0;
  for await (const arr of input) {
    for (const item of arr) {
      const w = weightOf(item, index++);
      if (buf.length > 0 && (buf.length === size || weight + w > maxWeight)) {
        yield buf;
        buf = [];
        weight = 0;
      }
      buf.push(item);
      weight += w;
    }
  }
  if (buf.length > 0) yield buf;
}
