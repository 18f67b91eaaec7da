import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { BlockIndex } from "./block-index.ts";
import type { BlobStorePort, TxStorePort } from "./ports.ts";

/**
 * Current height = highest stored block's height (DAH of on-demand files = this + retention).
 * Rises are noticed by a periodic scan of stored blocks (the importer may run in another
 * process; each block file is parsed once, later scans only list directories); each rise runs
 * `pruneExpired` in the background, one at a time, re-homing the txs the tx store keeps as places
 * in a blob before it is deleted (a validator sharing the blob directory locates txs in its
 * `.subtreeData` files). Each block parsed is also added to `blocks`,
 * the index the catch-up routes walk.
 */
export class HeightTracker {
  current = 0;
  #pruning: Promise<unknown> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Block files already parsed: a block's height never changes, so each is read once. */
  readonly #seen = new Set<string>();
  /** When the last scan started (performance.now()), to bound on-demand rescans. */
  lastScanAt = Number.NEGATIVE_INFINITY;
  readonly blocks: BlockIndex;
  #scanning: Promise<number> | undefined;

  constructor(
    readonly blobs: BlobStorePort,
    readonly blobRoot: string | undefined,
    readonly logger: Logger,
    /** Asked to release each expired blob before it is unlinked, when it can. */
    readonly txs?: Pick<TxStorePort, "releaseFile">,
  ) {
    this.blocks = new BlockIndex(blobs);
  }

  /** Records a height seen; a rise triggers a background prune. */
  observe(height: number): void {
    if (height <= this.current) return;
    this.current = height;
    if (this.#pruning) return;
    const txs = this.txs;
    const beforeUnlink = txs?.releaseFile
      ? (path: string, signal: AbortSignal | undefined) => txs.releaseFile!(path, { signal })
      : undefined;
    this.#pruning = this.blobs
      .pruneExpired(height, beforeUnlink ? { beforeUnlink } : {})
      .catch((err) => this.logger.warn({ err: String(err), height }, "pruneExpired failed"))
      .finally(() => {
        this.#pruning = undefined;
      });
  }

  /** Scans `<root>/xx/*.block` for the highest height (a no-op without a root); one scan at a time. */
  scan(): Promise<number> {
    this.#scanning ??= this.#scan().finally(() => {
      this.#scanning = undefined;
    });
    return this.#scanning;
  }

  async #scan(): Promise<number> {
    this.lastScanAt = performance.now();
    if (!this.blobRoot) return this.current;
    let best = this.current;
    const dirs = await readdir(this.blobRoot).catch(() => [] as string[]);
    for (const d of dirs) {
      const files = await readdir(join(this.blobRoot, d)).catch(() => [] as string[]);
      for (const f of files) {
        if (!f.endsWith(".block") || f.startsWith(".") || this.#seen.has(f)) continue;
        this.#seen.add(f);
        try {
          const bytes = new Uint8Array(await Bun.file(join(this.blobRoot, d, f)).arrayBuffer());
          best = Math.max(best, this.blocks.add(bytes.subarray(8)).height);
        } catch {
          // A block we cannot parse does not stop the server; its route reports it.
        }
      }
    }
    this.observe(best);
    return best;
  }

  /** Scans again unless a scan started less than `minAgeMs` ago (a lookup that may be one scan late). */
  async rescan(minAgeMs: number): Promise<void> {
    if (this.#scanning || performance.now() - this.lastScanAt >= minAgeMs) await this.scan();
  }

  start(everyMs: number): void {
    this.#timer = setInterval(() => void this.scan(), everyMs);
    this.#timer.unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async idle(): Promise<void> {
    await this.#pruning;
  }
}
