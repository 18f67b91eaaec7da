import { type BuildCoordinator, PostgresBuildCoordinator } from "./coordinator.ts";
import { lockNamespace } from "./lock-key.ts";

export interface OpenCoordinatorOptions {
  /** The `txstore` setting. */
  txstore: string;
  /** `asset_concurrency_subtree_data_create` as a capacity (Infinity = unlimited). */
  createCap: number;
  /** `asset_follow_remote_timeout_ms`. */
  followTimeoutMs: number;
  /** Seconds to wait for the first connection. Default 5. */
  connectTimeoutS?: number;
}

/**
 * The build coordinator for a `txstore`: with `postgres://` (the scale-out store) one on advisory
 * locks in that database, namespaced by its `?schema=` (default `subtreekit`, as the tx store);
 * with SQLite `undefined` — one machine, nothing to coordinate, behaviour unchanged.
 *
 * Its pool is its own, `min(create cap, 32) + 2` connections: one per build in flight (a lease
 * pins its connection), plus two for holder lookups, so lookups never wait behind leases.
 */
export async function openCoordinator(options: OpenCoordinatorOptions): Promise<BuildCoordinator | undefined> {
  const url = new URL(options.txstore);
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") return undefined;
  const schema = url.searchParams.get("schema") ?? "subtreekit";
  // The tx store's own parameters mean nothing to the driver.
  url.searchParams.delete("schema");
  url.searchParams.delete("pool_size");
  const sql = new Bun.SQL(url.toString(), {
    max: Math.min(options.createCap, 32) + 2,
    connectionTimeout: options.connectTimeoutS ?? 5,
  });
  try {
    await sql`SELECT 1`;
  } catch (error) {
    await sql.close().catch(() => {});
    throw error;
  }
  return new PostgresBuildCoordinator(sql, {
    namespace: lockNamespace(schema),
    followTimeoutMs: options.followTimeoutMs,
  });
}
