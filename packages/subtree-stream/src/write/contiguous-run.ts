/**
 * How many views from `from` (at least 1, at most `max`) lie back to back in one buffer, as the
 * txs of one body chunk or of one read worker's batch do: such a run is written as one piece
 * instead of one write per tx (at 250 B a tx, the per-write cost was a large part of a build's
 * event-loop time), with no concatenated copy.
 *
 * @example
 * for (let i = 0; i < txs.length; ) {
 *   const n = contiguousRun(txs, i, 256);
 *   await sink.write(joinRun(txs, i, n));
 *   i += n;
 * }
 */
export function contiguousRun(views: readonly Uint8Array[], from: number, max = Number.POSITIVE_INFINITY): number {
  const first = views[from]!;
  let end = first.byteOffset + first.length;
  let n = 1;
  let buffer: ArrayBufferLike | undefined;
  while (n < max && from + n < views.length) {
    const next = views[from + n]!;
    // Offsets first: `.buffer` of an array that owns its memory makes JSC allocate an ArrayBuffer
    // object (a quarter of a build's time when asked of every row), and such rows start at 0.
    if (next.byteOffset !== end) break;
    buffer ??= first.buffer;
    if (next.buffer !== buffer) break;
    end += next.length;
    n++;
  }
  return n;
}

/** The `n` back-to-back views from `from` (see {@link contiguousRun}) as one view of their buffer. */
export function joinRun(views: readonly Uint8Array[], from: number, n: number): Uint8Array {
  const first = views[from]!;
  if (n === 1) return first;
  const last = views[from + n - 1]!;
  return new Uint8Array(first.buffer, first.byteOffset, last.byteOffset + last.length - first.byteOffset);
}
