import type { ReservedSQL } from "bun";
import { leaseTempName } from "./lease-temp-name.ts";

/**
 * The right to build one subtree: a session-level advisory lock held on a connection reserved for
 * the build. `release()` unlocks and returns the connection; it is idempotent and never throws.
 * If unlocking fails, the connection is closed instead — the lock dies with its session, which is
 * also why a replica killed mid-build never blocks the others.
 *
 * Heartbeat: a `SELECT 1` on the connection every `heartbeatMs`. The connection is otherwise idle
 * for the whole build, and an idle session can be ended under a live build (the server's
 * `idle_session_timeout`, a proxy or firewall idle timer), silently freeing the lock. The beat keeps
 * it busy, and a failed beat reports the loss through `onLost`, so it is at least logged. (The
 * build itself goes on: publishing never replaces a file, so a second builder cannot corrupt it.)
 */
export class BuildLease {
  readonly key: bigint;
  /** Backend pid of the session holding the lock (what `pg_locks.pid` shows to followers). */
  readonly pid: number;
  readonly #conn: ReservedSQL;
  #released: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #beating = false;
  #lost: { error: unknown } | undefined;
  readonly #onLost: ((error: unknown) => void)[] = [];

  constructor(conn: ReservedSQL, key: bigint, pid: number, { heartbeatMs = 5000 }: { heartbeatMs?: number } = {}) {
    this.#conn = conn;
    this.key = key;
    this.pid = pid;
    if (heartbeatMs > 0) {
      this.#timer = setInterval(() => void this.#beat(), heartbeatMs);
      this.#timer.unref?.();
    }
  }

  /** True once a heartbeat failed: the session, and so the lock, may be gone. */
  get lost(): boolean {
    return this.#lost !== undefined;
  }

  /** Calls `listener` once if the lock is lost while held (at once if it already was). */
  onLost(listener: (error: unknown) => void): void {
    if (this.#lost) listener(this.#lost.error);
    else this.#onLost.push(listener);
  }

  async #beat(): Promise<void> {
    if (this.#released || this.#beating || this.#lost) return;
    this.#beating = true;
    try {
      await this.#conn`SELECT 1`;
    } catch (error) {
      if (this.#released) return;
      this.#lost = { error };
      clearInterval(this.#timer);
      for (const listener of this.#onLost.splice(0)) listener(error);
    } finally {
      this.#beating = false;
    }
  }

  /** The temp file name the build must write under, so followers elsewhere find it. */
  tempName(finalPath: string): string {
    return leaseTempName(finalPath, this.pid);
  }

  get released(): boolean {
    return this.#released !== undefined;
  }

  release(): Promise<void> {
    clearInterval(this.#timer);
    this.#released ??= this.#unlock();
    return this.#released;
  }

  async #unlock(): Promise<void> {
    if (this.#lost) {
      await this.#conn.close().catch(() => {});
      return;
    }
    try {
      await this.#conn`SELECT pg_advisory_unlock(${this.key}::bigint)`;
      this.#conn.release();
    } catch {
      await this.#conn.close().catch(() => {});
    }
  }
}
