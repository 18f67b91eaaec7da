import type { ReservedSQL } from "bun";
import { leaseTempName } from "./lease-temp-name.ts";

/**
 * The right to build one subtree: a session-level advisory lock held on a connection reserved for
 * the build. `release()` unlocks and returns the connection; it is idempotent and never throws.
 * If unlocking fails, the connection is closed instead — the lock dies with its session, which is
 * also why a replica killed mid-build never blocks the others.
 */
export class BuildLease {
  readonly key: bigint;
  /** Backend pid of the session holding the lock (what `pg_locks.pid` shows to followers). */
  readonly pid: number;
  readonly #conn: ReservedSQL;
  #released: Promise<void> | undefined;

  constructor(conn: ReservedSQL, key: bigint, pid: number) {
    this.#conn = conn;
    this.key = key;
    this.pid = pid;
  }

  /** The temp file name the build must write under, so followers elsewhere find it. */
  tempName(finalPath: string): string {
    return leaseTempName(finalPath, this.pid);
  }

  get released(): boolean {
    return this.#released !== undefined;
  }

  release(): Promise<void> {
    this.#released ??= this.#unlock();
    return this.#released;
  }

  async #unlock(): Promise<void> {
    try {
      await this.#conn`SELECT pg_advisory_unlock(${this.key}::bigint)`;
      this.#conn.release();
    } catch {
      await this.#conn.close().catch(() => {});
    }
  }
}
