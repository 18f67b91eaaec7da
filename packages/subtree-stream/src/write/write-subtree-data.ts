import { isCoinbasePlaceholder, toDisplayHex } from "../hash.ts";
import { contiguousRun, joinRun } from "./contiguous-run.ts";
import { EmptySubtreeDataError } from "./empty-subtree-data-error.ts";
import { MisplacedCoinbaseError } from "./misplaced-coinbase-error.ts";
import { MissingTxError } from "./missing-tx-error.ts";
import { PendingCapExceededError } from "./pending-cap-exceeded-error.ts";
import { rechunk } from "./rechunk.ts";
import { rechunkByWeight } from "./rechunk-by-weight.ts";
import type { ChunkEvent, WriteSubtreeDataOptions, WriteSubtreeDataResult } from "./types.ts";

/** The reference checks cancellation before every 256th tx (#896); we also check on every write. */
export const ABORT_CHECK_INTERVAL = 256;
/** How many missing txids a MissingTxError names (the count covers all of them). */
const MISSING_SAMPLE = 5;

interface Slot {
  nodes: readonly Uint8Array[];
  /** Node index of the chunk's first node. */
  offset: number;
  /** Node 0 is the coinbase placeholder: not fetched; `coinbase` is written in its place if given. */
  placeholder: boolean;
  /** Set once fetched; the chunk then waits in `slots` until it is the next to write. */
  txs?: readonly (Uint8Array | undefined)[];
}

/**
 * Writes every tx of a subtree, in node order, to `sink`, fetching chunks of `chunkSize` txs from
 * `source` with at most `concurrency` fetches in flight and never scheduling a chunk more than
 * `window` ahead of the next chunk to write. Memory is therefore bounded by
 * `window × chunkSize × tx size` (or `window × chunkBytes` with `chunkBytes`), whatever the subtree
 * size and however slow the sink.
 *
 * Fails (and writes nothing more) on: abort (rejects with `signal.reason`), a source error, a
 * missing tx ({@link MissingTxError}), a misplaced coinbase placeholder, a sink error, or a result
 * of zero txs ({@link EmptySubtreeDataError}). On failure it aborts the source's signal, stops
 * pulling `nodes`, drops buffered chunks and rejects without waiting for fetches in flight.
 *
 * @example
 * ```ts
 * const file = await createAtomicFileSink(path, { header: SD_MAGIC });
 * try {
 *   const { txs } = await writeSubtreeData({ nodes: nodeChunks(hashes), source, sink: teeSink(file, http), signal });
 *   await file.commit();
 * } catch (e) { await file.abort(e); throw e; }
 * ```
 */
export async function writeSubtreeData(options: WriteSubtreeDataOptions): Promise<WriteSubtreeDataResult> {
  const { nodes, source, sink, signal, coinbase, onChunk } = options;
  const chunkSize = positiveInt("chunkSize", options.chunkSize ?? 10_000);
  const concurrency = positiveInt("concurrency", options.concurrency ?? 2);
  const window = positiveInt("window", options.window ?? concurrency);
  // The reference's cap is 2 × concurrency; a caller may choose a wider window, which the cap must
  // not contradict. With the window in place the assertion can only fire on a scheduler bug.
  const pendingCap = Math.max(2 * concurrency, window);
  const chunkBytes = options.chunkBytes === undefined ? undefined : positiveInt("chunkBytes", options.chunkBytes);
  if (chunkBytes !== undefined && typeof options.nodeBytes !== "function") {
    throw new TypeError("chunkBytes needs nodeBytes (the expected size of each node's tx)");
  }
  signal?.throwIfAborted();

  const internal = new AbortController();
  let failure: { error: unknown } | undefined;
  // Rejecters of sink writes in flight. A Promise.race against one long-lived "failed" promise
  // would leave a reaction on it per awaited write (a leak of O(txs) on a 1M-tx build).
  const writeWaiters = new Set<(e: unknown) => void>();
  // One promise per state change; every waiter re-checks its condition when it resolves.
  let wake = deferred();
  const notify = () => {
    const w = wake;
    wake = deferred();
    w.resolve();
  };
  const fail = (error: unknown) => {
    if (failure) return;
    failure = { error };
    internal.abort(error);
    for (const reject of writeWaiters) reject(error);
    writeWaiters.clear();
    notify();
  };
  const onAbort = () => fail(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });

  const slots = new Map<number, Slot>();
  let fetching = 0;
  let scheduled = 0;
  let nextToWrite = 0;
  let fetchedUnwritten = 0;
  let exhausted = false;
  const emit = (phase: ChunkEvent["phase"], index: number, n: number) =>
    onChunk?.({ phase, index, nodes: n, fetching, inFlight: slots.size });

  const fetchChunk = async (index: number, slot: Slot): Promise<void> => {
    try {
      const request = slot.placeholder ? slot.nodes.slice(1) : slot.nodes;
      const txs = request.length > 0 ? await source.getTxs(request, internal.signal) : [];
      if (failure) return;
      if (!Array.isArray(txs) || txs.length !== request.length) {
        throw new TypeError(
          `source returned ${Array.isArray(txs) ? txs.length : typeof txs} txs for ${request.length} hashes`,
        );
      }
      let missing = 0;
      const sample: string[] = [];
      for (let i = 0; i < txs.length; i++) {
        if (txs[i] != null) continue;
        missing++;
        if (sample.length < MISSING_SAMPLE) sample.push(toDisplayHex(request[i] as Uint8Array));
      }
      if (missing > 0) throw new MissingTxError(missing, request.length, slot.offset, sample);
      slot.txs = txs;
      fetching--;
      fetchedUnwritten++;
      if (fetchedUnwritten > pendingCap) throw new PendingCapExceededError(fetchedUnwritten, pendingCap);
      emit("fetched", index, slot.nodes.length);
      notify();
    } catch (error) {
      fail(error);
    }
  };

  const iterator =
    chunkBytes !== undefined && options.nodeBytes
      ? rechunkByWeight(nodes, chunkSize, chunkBytes, options.nodeBytes)
      : rechunk(nodes, chunkSize);
  const schedule = async (): Promise<void> => {
    let offset = 0;
    for (;;) {
      while (!failure && (fetching >= concurrency || scheduled >= nextToWrite + window)) await wake.promise;
      if (failure) return;
      const next = await iterator.next();
      if (failure) return;
      if (next.done) break;
      const chunk = next.value;
      let placeholder = false;
      for (let i = 0; i < chunk.length; i++) {
        const h = chunk[i] as Uint8Array;
        if (h[0] !== 0xff || !isCoinbasePlaceholder(h)) continue;
        if (offset + i !== 0) throw new MisplacedCoinbaseError(offset + i);
        placeholder = true;
      }
      const index = scheduled++;
      const slot: Slot = { nodes: chunk, offset, placeholder };
      offset += chunk.length;
      slots.set(index, slot);
      fetching++;
      emit("fetch", index, chunk.length);
      void fetchChunk(index, slot);
    }
    exhausted = true;
    notify();
  };
  schedule().catch(fail);

  let txCount = 0;
  let bytes = 0;
  // Synchronous unless the sink returns a promise: an async call per tx would cost ~30 % of
  // throughput on a fast sink, for nothing.
  // `n` txs in one write: a run the caller found back to back in one buffer.
  const write = (tx: Uint8Array, n = 1): Promise<void> | undefined => {
    // Checked on every write (a flag read, cheap), which covers the reference's every-256 check.
    if (failure) throw failure.error;
    if (txCount % ABORT_CHECK_INTERVAL === 0 || (txCount % ABORT_CHECK_INTERVAL) + n > ABORT_CHECK_INTERVAL) {
      signal?.throwIfAborted();
    }
    const r = sink.write(tx);
    txCount += n;
    bytes += tx.length;
    if (r !== undefined && typeof (r as Promise<void>).then === "function") return untilFailure(r);
    return undefined;
  };
  // Settles with the sink's write, or rejects at once when the build fails (a stuck client must
  // not hold the producer after an abort).
  const untilFailure = (p: PromiseLike<void>): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      // The sink's own write may have aborted the signal (and so failed the build) synchronously.
      if (failure) return reject(failure.error);
      writeWaiters.add(reject);
      p.then(
        () => {
          writeWaiters.delete(reject);
          resolve();
        },
        (e) => {
          writeWaiters.delete(reject);
          reject(e);
        },
      );
    });

  try {
    for (;;) {
      let slot = slots.get(nextToWrite);
      while (!failure && slot?.txs === undefined && !(exhausted && nextToWrite >= scheduled)) {
        await wake.promise; // fail() notifies too
        slot = slots.get(nextToWrite);
      }
      if (failure) throw failure.error;
      if (slot?.txs === undefined) break;
      if (slot.placeholder && coinbase !== undefined) await write(coinbase);
      const txs = slot.txs as readonly Uint8Array[];
      for (let i = 0; i < txs.length; ) {
        const n = contiguousRun(txs, i, ABORT_CHECK_INTERVAL);
        const run = joinRun(txs, i, n);
        i += n;
        const pending = write(run, n);
        if (pending) await pending;
      }
      slots.delete(nextToWrite);
      fetchedUnwritten--;
      emit("written", nextToWrite, slot.nodes.length);
      nextToWrite++;
      notify();
      // A turn of the event loop per chunk. With a source that answers synchronously underneath
      // (bun:sqlite) and a buffered sink, every await here meets a settled promise, so a whole
      // build ran on microtasks alone: no timer fired and no other request was served until it
      // ended (the storm measured 1 s stalls with 4 builds, 9 s with 36). Costs microseconds.
      await nextTurn();
    }
    if (txCount === 0) throw new EmptySubtreeDataError();
    return { txs: txCount, bytes };
  } catch (error) {
    fail(error);
    throw failure?.error ?? error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    slots.clear();
    // Stops pulling `nodes` (a file reader closes its file); queued behind a pending next().
    iterator.return(undefined).catch(() => {});
  }
}

/** Resolves on the next turn of the event loop, after pending I/O and timers (a macrotask, not a microtask). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Promise.withResolvers is Node 22+; this package supports Node 20. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
