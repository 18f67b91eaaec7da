import type { Permit } from "@subtreekit/semaphore";
import type { ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import type { BuildSlot } from "../subtree-data/build-slot.ts";
import type { BuildLease } from "./build-lease.ts";
import type { BuildCoordinator } from "./coordinator.ts";
import { ScaleOutError } from "./scale-out-error.ts";

/**
 * The scale-out step between winning a create permit (with `slot` registered) and building: take
 * the subtree's build lock. Resolves to the lease, or to `undefined` when another replica holds it
 * — then the permit and the slot are given back at once (a follower holds only a reader permit;
 * requests waiting on the slot decide again and follow that replica too, via `coordinator.remote`).
 * A lock that cannot be taken (Postgres unreachable) is a 503 + Retry-After, after the same cleanup.
 */
export async function takeLead(
  ctx: ServerContext,
  coordinator: BuildCoordinator,
  hash: Uint8Array,
  hex: string,
  slot: BuildSlot,
  permit: Permit,
  signal: AbortSignal,
): Promise<BuildLease | undefined> {
  const giveBack = () => {
    if (ctx.builds.get(hex) === slot) ctx.builds.delete(hex);
    slot.failed();
    permit.release();
  };
  let lead: BuildLease | "held-elsewhere";
  try {
    lead = await coordinator.tryLead(hash, { finalPath: ctx.blobs.path(hash, "subtreeData"), signal });
  } catch (error) {
    giveBack();
    if (error instanceof ScaleOutError) {
      ctx.logger.warn({ hash: hex, err: error.message }, "build lock unavailable");
      throw new AssetHttpError(
        "UNAVAILABLE",
        `cannot coordinate the build of ${hex} with other replicas; retry later`,
        {
          cause: error,
          retryAfterS: ctx.settings.asset_subtree_data_retry_after_s,
        },
      );
    }
    throw error;
  }
  if (lead === "held-elsewhere") {
    giveBack();
    return undefined;
  }
  lead.onLost((error) =>
    ctx.logger.warn(
      { hash: hex, err: String(error) },
      "build lock lost mid-build: another replica may build this subtree too (only one file is published)",
    ),
  );
  return lead;
}

/**
 * With the create cap full, a request need not be rejected if another replica is building the
 * subtree: following costs only a reader permit. Looks the holder up (a cached `pg_locks` query,
 * at most one per key per 100 ms per replica, so a 503 storm costs Postgres next to nothing) and
 * records it for the next pass. A failed lookup just means "reject as usual".
 */
export async function builtElsewhere(coordinator: BuildCoordinator, hash: Uint8Array, hex: string): Promise<boolean> {
  const pid = await coordinator.holder(hash).catch(() => undefined);
  if (pid === undefined) return false;
  coordinator.remote.note(hex, pid);
  return true;
}
