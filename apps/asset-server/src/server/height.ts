import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { parseModelBlock } from "@subtreekit/subtree-stream";
import type { Logger } from "pino";
import type { BlobStorePort } from "./ports.ts";

/**
 * Current height = highest stored block's height (DAH of on-demand files = this + retention).
 * Rises are noticed by a periodic scan of stored blocks (the importer may run in another
 * process; each block file is parsed once, later scans only list directories); each rise runs
 * `pruneExpired` in the background, one at a time.
 */
export class HeightTracker {
  current = 0;
  #pruning: Promise<unknown> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Block files already parsed: a block's height never changes, so each is read once. */
  readonly #seen = new Set<string>();

  constructor(
    readonly blobs: BlobStorePort,
    readonly blobRoot: string | undefined,
    readonly logger: Logger,
  ) {}

  /** Records a height seen; a rise triggers a background prune. */
  observe(height: number): void {
    if (height <= this.current) return;
    this.current = height;
    if (this.#pruning) return;
    this.#pruning = this.blobs
      .pruneExpired(height)
      .catch((err) => this.logger.warn({ err: String(err), height }, "pruneExpired failed"))
      .finally(() => {
        this.#pruning = undefined;
      });
  }

  /** Scans `<root>/xx/*.block` for the highest height (a no-op without a root). */
  async scan(): Promise<number> {
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
          best = Math.max(best, parseModelBlock(bytes.subarray(8)).height);
        } catch {
          // A block we cannot parse does not stop the server; its route reports it.
        }
      }
    }
    this.observe(best);
    return best;
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
