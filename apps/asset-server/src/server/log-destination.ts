import { writeSync } from "node:fs";

/**
 * A pino destination that batches lines into one `write(2)` per 64 KiB or per 100 ms. pino's own
 * async destination spent a large share of a rejected request's CPU in `Buffer.byteLength` under
 * a 503 storm (docs/rejection-cost.md); this one counts string length (a flush threshold needs no exact byte count) and writes
 * synchronously, so nothing is pending at exit once `flush()` ran.
 */
export class BatchedStdout {
  // One string grown by `+=`: the engine keeps it as a rope until the write flattens it once,
  // cheaper than an array joined at flush (join + string→bytes showed in a logged 503's profile).
  #text = "";
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly fd = 1,
    readonly maxChars = 64 * 1024,
    readonly maxDelayMs = 100,
  ) {}

  write(line: string): void {
    this.#text += line;
    if (this.#text.length >= this.maxChars) this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), this.maxDelayMs);
      this.#timer.unref?.();
    }
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#text.length === 0) return;
    const text = this.#text;
    this.#text = "";
    try {
      writeSync(this.fd, text);
    } catch {
      // stdout closed (the supervisor went away): logs are best effort, requests are not.
    }
  }
}
