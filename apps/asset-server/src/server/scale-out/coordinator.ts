import { unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { toDisplayHex } from "@subtreekit/subtree-stream";
import type { SQL } from "bun";
import { BuildLease } from "./build-lease.ts";
import { lockKey, lockKeyParts } from "./lock-key.ts";
import { RemoteBuilds } from "./remote-builds.ts";
import { ScaleOutError } from "./scale-out-error.ts";

/** What the subtree_data handler asks before it builds, when several replicas share the stores. */
export interface BuildCoordinator {
  /**
   * Takes the build lock of `hash` (never waits for it). `finalPath` is the subtree_data file:
   * a leftover temp under this session's lease name is removed, as no live build can own it.
   */
  tryLead(
    hash: Uint8Array,
    options: { finalPath: string; signal?: AbortSignal },
  ): Promise<BuildLease | "held-elsewhere">;
  /** Backend pid of the session holding the lock of `hash`, or undefined when nobody does. */
  holder(hash: Uint8Array, options?: { signal?: AbortSignal }): Promise<number | undefined>;
  /** Builds this replica knows to run elsewhere (filled by `tryLead`). */
  readonly remote: RemoteBuilds;
  /** How long a follower waits without a new byte (`asset_follow_remote_timeout_ms`). */
  readonly followTimeoutMs: number;
  /** How often a follower looks at the shared file while it waits. */
  readonly pollMs: number;
  close(): Promise<void>;
}

export interface PostgresBuildCoordinatorOptions {
  /** XORed into every key (see `lockNamespace`). */
  namespace: bigint;
  followTimeoutMs: number;
  /** Default 20 ms: a stat of the temp file, cheap even on a shared filesystem. */
  pollMs?: number;
  /** Holder lookups younger than this are shared by every follower of the key. Default 100 ms. */
  holderCacheMs?: number;
  /** A lease's keep-alive query interval (see `BuildLease`). Default 5000 ms. */
  heartbeatMs?: number;
}

const HOLDER_SQL = `SELECT pid FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND objsubid = 1
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND classid = $1::bigint::oid AND objid = $2::bigint::oid`;

/**
 * Build coordination on PostgreSQL advisory locks. The pool `sql` is the coordinator's own:
 * every lease pins one of its connections for a whole build, so sharing the tx store's pool could
 * leave the builds' own tx fetches without a connection. Size it above the create cap.
 */
export class PostgresBuildCoordinator implements BuildCoordinator {
  readonly remote = new RemoteBuilds();
  readonly followTimeoutMs: number;
  readonly pollMs: number;
  readonly #sql: SQL;
  readonly #namespace: bigint;
  readonly #cacheMs: number;
  readonly #heartbeatMs: number;
  readonly #holders = new Map<bigint, { at: number; pid: Promise<number | undefined> }>();

  constructor(sql: SQL, options: PostgresBuildCoordinatorOptions) {
    this.#sql = sql;
    this.#namespace = options.namespace;
    this.followTimeoutMs = options.followTimeoutMs;
    this.pollMs = options.pollMs ?? 20;
    this.#cacheMs = options.holderCacheMs ?? 100;
    this.#heartbeatMs = options.heartbeatMs ?? 5000;
  }

  async tryLead(
    hash: Uint8Array,
    { finalPath, signal }: { finalPath: string; signal?: AbortSignal },
  ): Promise<BuildLease | "held-elsewhere"> {
    const key = lockKey(hash, this.#namespace);
    // A holder may let go between our failed try and the lookup: then try again (a few times).
    for (let attempt = 0; attempt < 3; attempt++) {
      signal?.throwIfAborted();
      const lease = await this.#try(key);
      if (lease) {
        if (signal?.aborted) {
          await lease.release();
          signal.throwIfAborted();
        }
        await unlink(join(dirname(finalPath), lease.tempName(finalPath))).catch(() => {});
        return lease;
      }
      const pid = await this.#lookup(key, 0);
      if (pid !== undefined) {
        this.remote.note(toDisplayHex(hash), pid);
        return "held-elsewhere";
      }
    }
    return "held-elsewhere";
  }

  async #try(key: bigint): Promise<BuildLease | undefined> {
    let conn: Awaited<ReturnType<SQL["reserve"]>>;
    try {
      conn = await this.#sql.reserve();
    } catch (cause) {
      throw new ScaleOutError("LOCK_FAILED", `cannot reserve a connection for the build lock: ${String(cause)}`, {
        cause,
      });
    }
    try {
      const [row] = await conn`SELECT pg_try_advisory_lock(${key}::bigint) AS ok, pg_backend_pid() AS pid`;
      if (row?.ok) return new BuildLease(conn, key, Number(row.pid), { heartbeatMs: this.#heartbeatMs });
      conn.release();
      return undefined;
    } catch (cause) {
      await conn.close().catch(() => {});
      throw new ScaleOutError("LOCK_FAILED", `cannot take the build lock: ${String(cause)}`, { cause });
    }
  }

  holder(hash: Uint8Array, { signal }: { signal?: AbortSignal } = {}): Promise<number | undefined> {
    signal?.throwIfAborted();
    return this.#lookup(lockKey(hash, this.#namespace), this.#cacheMs);
  }

  #lookup(key: bigint, maxAgeMs: number): Promise<number | undefined> {
    const now = performance.now();
    const cached = this.#holders.get(key);
    if (cached && now - cached.at <= maxAgeMs) return cached.pid;
    const { classid, objid } = lockKeyParts(key);
    const pid = this.#sql.unsafe(HOLDER_SQL, [classid, objid]).then(
      (rows: { pid: number }[]) => (rows[0] ? Number(rows[0].pid) : undefined),
      (cause: unknown) => {
        this.#holders.delete(key);
        throw new ScaleOutError("LOCK_FAILED", `cannot look up the build lock holder: ${String(cause)}`, { cause });
      },
    );
    this.#holders.set(key, { at: now, pid });
    // Entries are only worth their TTL: drop them so the map does not grow with every hash ever seen.
    setTimeout(() => {
      if (this.#holders.get(key)?.pid === pid) this.#holders.delete(key);
    }, this.#cacheMs + 50).unref?.();
    return pid;
  }

  async close(): Promise<void> {
    await this.#sql.close();
  }
}
