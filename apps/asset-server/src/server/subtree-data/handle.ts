import { existsSync } from "node:fs";
import { toDisplayHex } from "@subtreekit/subtree-stream";
import { classify } from "../classify.ts";
import type { ServerContext } from "../context.ts";
import { AssetHttpError, STATUS_TEXT } from "../errors.ts";
import type { BlobType } from "../ports.ts";
import type { RequestLog } from "../request-log.ts";
import type { BuildLease } from "../scale-out/build-lease.ts";
import { followRemoteBuild } from "../scale-out/follow-remote.ts";
import { builtElsewhere, takeLead } from "../scale-out/lead.ts";
import { BuildSlot } from "./build-slot.ts";
import { followBuild } from "./follow.ts";
import { originateBuild } from "./originate.ts";
import { serveExistingFile, sizeOf } from "./serve-file.ts";

/**
 * `GET /subtree_data/:hash`, in DESIGN.md's order: existing file (reader permit) → 404 when no
 * subtree → follow a build in flight here → tryAcquire a create permit (none → 503 at once, no
 * queue) → build. Each branch's failure before the first body byte is a real status.
 */
export async function handleSubtreeData(
  ctx: ServerContext,
  hash: Uint8Array,
  log: RequestLog,
  signal: AbortSignal,
): Promise<Response> {
  const retryAfterS = ctx.settings.asset_subtree_data_retry_after_s;
  try {
    if (ctx.closing) throw new AssetHttpError("UNAVAILABLE", "server is shutting down; retry later", { retryAfterS });
    const res = await decide(ctx, hash, log, signal);
    if (!log.deferred) ctx.metrics.http("get_subtree_data", res.status, STATUS_TEXT[res.status] ?? String(res.status));
    return res;
  } catch (error) {
    const e = classify(error, retryAfterS);
    ctx.metrics.http("get_subtree_data", e.status, STATUS_TEXT[e.status] ?? String(e.status));
    throw e;
  }
}

async function decide(ctx: ServerContext, hash: Uint8Array, log: RequestLog, signal: AbortSignal): Promise<Response> {
  const hex = toDisplayHex(hash);
  // A second pass happens only when a build we meant to follow could not start (its file
  // appeared, or it failed to open): the state changed, so decide again.
  // Rejection fast path: this hash was answered 503 moments ago (no file, subtree stored, no
  // build here) and the cap is still full → 503 again without the two stats.
  if (ctx.createSem.available === 0 && !ctx.builds.has(hex) && recentlyRejected(ctx, hex)) {
    log.outcome = "rejected";
    return rejectAtCapacity(ctx, hex);
  }
  for (let pass = 0, restarts = 0; pass < 3; pass++) {
    // The fast path costs one stat: it answers "exists?" and gives the Content-Length.
    const dataPath = ctx.blobs.path(hash, "subtreeData");
    const size = sizeOf(dataPath);
    if (size >= 0) return serveExistingFile(ctx, hash, log, signal, size);
    const subtreeType = subtreeTypeOf(dataPath);
    if (subtreeType === undefined) throw new AssetHttpError("NOT_FOUND", `subtree ${hex} not found`);
    const slot = ctx.builds.get(hex);
    if (slot) {
      const build = slot.build ?? (await slot.ready);
      if (build && !build.settled) return followBuild(ctx, build, log, signal);
      if (build) await build.done;
      continue;
    }
    // Scale-out: another replica builds it → follow its file with a reader permit only.
    const remotePid = ctx.coordinator?.remote.get(hex);
    if (ctx.coordinator && remotePid !== undefined) {
      const res = await followRemoteBuild(ctx, ctx.coordinator, hash, hex, remotePid, log, signal);
      if (res) return res;
      // Its builder died or published before we sent a byte: decide afresh (serve, follow or take over).
      if (restarts++ < 8) pass = -1;
      continue;
    }
    // A free permit may be held for a subtree whose peers were told to come back now
    // (retry-schedule.ts `mayStart`); this request is then answered as at a full cap.
    const permit = ctx.retry.mayStart(hex, ctx.createSem.available) ? ctx.createSem.tryAcquire() : undefined;
    if (!permit) {
      // Scale-out: a build on another replica needs no create permit to follow.
      if (ctx.coordinator && (await builtElsewhere(ctx.coordinator, hash, hex))) continue;
      log.outcome = "rejected";
      if (!ctx.coordinator) rememberRejection(ctx, hex);
      return rejectAtCapacity(ctx, hex);
    }
    const mine = new BuildSlot();
    ctx.builds.set(hex, mine);
    let lease: BuildLease | undefined;
    if (ctx.coordinator) {
      lease = await takeLead(ctx, ctx.coordinator, hash, hex, mine, permit, signal);
      if (!lease) continue; // held by another replica: permit and slot given back; the next pass follows it
    }
    try {
      return await originateBuild(ctx, hash, hex, subtreeType, permit, mine, log, signal, lease);
    } catch (error) {
      if (mine.build) throw error; // the build owned the permit and has released it
      if (ctx.builds.get(hex) === mine) ctx.builds.delete(hex);
      mine.failed();
      permit.release();
      if ((error as Error)?.name === "FileExistsError") {
        ctx.metrics.createdInc("file_existed");
        return serveExistingFile(ctx, hash, log, signal);
      }
      ctx.metrics.createdInc("creation_failed");
      throw error;
    }
  }
  throw new AssetHttpError("UNAVAILABLE", `subtree data for ${hex} is changing hands; retry`, {
    retryAfterS: ctx.settings.asset_subtree_data_retry_after_s,
  });
}

/**
 * Which stored form of the subtree the build reads (`subtree`, else `subtreeToCheck`). A sync
 * `existsSync` (one cached-dentry stat, ~1 µs) instead of an async store call: this runs for every
 * rejected request, and a thread-pool round trip per stat made rejecting 4× dearer than a
 * constant 503.
 */
function subtreeTypeOf(dataPath: string): BlobType | undefined {
  // Teranode's layout: the type is the extension, so sibling types share the path up to it
  // (saves a hash→hex→join per type; measurable on the rejection path).
  const base = dataPath.slice(0, -".subtreeData".length);
  if (existsSync(`${base}.subtree`)) return "subtree";
  if (existsSync(`${base}.subtreeToCheck`)) return "subtreeToCheck";
  return undefined;
}

/**
 * The 503 of a full create cap, built without an Error object (no stack capture): a storm of
 * rejected requests must cost little more than a constant 503 (the whole point of rejecting).
 * `Retry-After` comes from the server's retry schedule (when a permit is expected free for this
 * subtree); the headers are built once per value: copying a `Headers` into a Response costs about
 * half of converting a plain object.
 */
export function rejectAtCapacity(ctx: ServerContext, hex: string): Response {
  return new Response(
    `{"message":"on-demand subtree data creation at capacity for ${hex}; retry later"}`,
    rejectInit(ctx, ctx.retry.retryAfterS(hex)),
  );
}

const rejectInits = new WeakMap<ServerContext, Map<number, ResponseInit>>();

function rejectInit(ctx: ServerContext, retryAfterS: number): ResponseInit {
  let inits = rejectInits.get(ctx);
  if (!inits) rejectInits.set(ctx, (inits = new Map()));
  let init = inits.get(retryAfterS);
  if (!init) {
    const headers = new Headers({ "content-type": "application/json", "retry-after": String(retryAfterS) });
    inits.set(retryAfterS, (init = { status: 503, headers }));
  }
  return init;
}

/**
 * How long a 503 decision is reused for the same hash. Only another process can publish the file
 * meanwhile (a build here goes through `ctx.builds`); such a file is then served at the peer's
 * retry, `Retry-After` seconds later. Stats dominated a 503's cost in profiles under a storm.
 */
const REJECTION_TTL_MS = 250;
const MAX_REMEMBERED = 10_000;
const rejections = new WeakMap<ServerContext, Map<string, number>>();

export function recentlyRejected(ctx: ServerContext, hex: string): boolean {
  const until = rejections.get(ctx)?.get(hex);
  return until !== undefined && until > performance.now();
}

function rememberRejection(ctx: ServerContext, hex: string): void {
  let m = rejections.get(ctx);
  if (!m) rejections.set(ctx, (m = new Map()));
  if (m.size >= MAX_REMEMBERED) m.clear();
  m.set(hex, performance.now() + REJECTION_TTL_MS);
}
