import { closeSync, existsSync, openSync, readSync, renameSync, statSync } from "node:fs";
import type { Permit } from "@subtreekit/semaphore";
import { checkHeader } from "@subtreekit/stores";
import { fromDisplayHex } from "@subtreekit/subtree-stream";
import type { ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import type { BlobType } from "../ports.ts";
import { type Claim, isClaim, type RunningBuild } from "./build-registry.ts";

/** The subtree a request names, with the paths admission looks at (kept per hash: see {@link targetOf}). */
export interface Target {
  readonly hash: Uint8Array;
  /** Display hex, lower case. */
  readonly hex: string;
  readonly dataPath: string;
  /** Which stored form a build reads, once seen (a stored subtree stays until pruned). */
  subtree?: BlobType;
}

const HEX_64 = /^[0-9a-fA-F]{64}$/;
const MAX_TARGETS = 10_000;

/**
 * The target of `raw` (64 hex, any case), or a 400 before any store is touched. Kept per hash in
 * `ctx.targets`: in a 503 storm the same few hashes come back, and decoding, path building and the
 * subtree's stat were most of a rejection's own cost. Only what cannot change is kept: whether the
 * subtree_data file exists is looked at on every request.
 */
export function targetOf(ctx: ServerContext, raw: string | undefined): Target {
  if (raw === undefined || !HEX_64.test(raw)) {
    throw new AssetHttpError("BAD_REQUEST", "invalid hash: must be exactly 64 hex characters");
  }
  const hex = raw.toLowerCase();
  let t = ctx.targets.get(hex);
  if (!t) {
    const hash = fromDisplayHex(hex);
    if (ctx.targets.size >= MAX_TARGETS) ctx.targets.clear();
    t = { hash, hex, dataPath: ctx.blobs.path(hash, "subtreeData") };
    ctx.targets.set(hex, t);
  }
  return t;
}

/** What to do with one `GET /subtree_data/:hash`: DESIGN.md's admission, decided once. */
export type Decision =
  | { kind: "file"; size: number }
  | { kind: "follow"; build: RunningBuild }
  | { kind: "build"; permit: Permit; claim: Claim; subtree: BlobType }
  | { kind: "reject"; retryAfterS: number; why: "capacity" | "shutdown" }
  | { kind: "notFound" };

/**
 * The admission decision, in DESIGN.md's order: existing file → 404 without a subtree → follow a
 * build in flight (here or on another replica) → a create permit, taken without waiting (none →
 * 503 at once) → build. It holds no state: builds live in `ctx.builds`, the `Retry-After` and a
 * brief deferral of a free permit come from `ctx.retry`. Sync file checks on purpose: this runs
 * for every rejected request of a storm, where a thread-pool round trip per stat is the cost.
 */
export async function admit(
  ctx: ServerContext,
  t: Target,
  client: { readonly signal: AbortSignal },
): Promise<Decision> {
  const { hash, hex, dataPath } = t;
  if (ctx.closing)
    return { kind: "reject", retryAfterS: ctx.settings.asset_subtree_data_retry_after_s, why: "shutdown" };
  const size = servableSize(ctx, dataPath);
  if (size >= 0) return { kind: "file", size };
  const subtree = (t.subtree ??= subtreeOf(dataPath));
  if (subtree === undefined) return { kind: "notFound" };
  const running = await ctx.builds.find(hash, hex);
  if (running) return { kind: "follow", build: running };
  const permit = ctx.retry.mayStart(hex, ctx.createSem.available) ? ctx.createSem.tryAcquire() : undefined;
  if (!permit) {
    // A registry that looks across replicas answers `find` asynchronously: a build claimed
    // meanwhile is followed, not rejected (with one process this is the same map lookup).
    const claimed = await ctx.builds.find(hash, hex);
    if (claimed) return { kind: "follow", build: claimed };
    return { kind: "reject", retryAfterS: ctx.retry.retryAfterS(hex), why: "capacity" };
  }
  let claim: Claim | RunningBuild;
  try {
    claim = await ctx.builds.claim(hash, hex, client.signal);
  } catch (error) {
    permit.release();
    throw error;
  }
  if (isClaim(claim)) return { kind: "build", permit, claim, subtree };
  // Claimed meanwhile (another replica): following it needs no create permit.
  permit.release();
  return { kind: "follow", build: claim };
}

/**
 * Size of the subtree_data file when it can be served, else -1. A file whose header is not
 * `SD-1.0` is never sent as a 200: it is moved aside (logged, counted) so it is built afresh,
 * or, with no subtree to rebuild it from, a 500 that names it.
 */
function servableSize(ctx: ServerContext, path: string): number {
  const size = statSync(path, { throwIfNoEntry: false })?.size;
  if (size === undefined) return -1;
  const head = new Uint8Array(8);
  let fd: number;
  let got: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return -1; // pruned since the stat
  }
  try {
    got = readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  try {
    // Only the bytes read: the buffer's zero padding would pass as the magic's trailing spaces.
    checkHeader(head.subarray(0, got), "subtreeData", path);
    return size;
  } catch (error) {
    if (subtreeOf(path) === undefined) {
      throw new AssetHttpError("INTERNAL", `${(error as Error).message}; no subtree to rebuild it from`, {
        cause: error,
      });
    }
    const aside = `${path}.bad-${Date.now()}`;
    try {
      renameSync(path, aside);
    } catch (cause) {
      throw new AssetHttpError("INTERNAL", `${(error as Error).message}; cannot move it aside: ${String(cause)}`, {
        cause,
      });
    }
    ctx.metrics.badFilesMovedAside.inc();
    ctx.logger.warn({ file: path, movedTo: aside, err: (error as Error).message }, "subtree data file moved aside");
    return -1;
  }
}

/** Which stored form of the subtree a build reads: `subtree`, else `subtreeToCheck`. */
export function subtreeOf(dataPath: string): BlobType | undefined {
  // Teranode's layout: sibling types share the path up to the extension.
  const base = dataPath.slice(0, -".subtreeData".length);
  if (existsSync(`${base}.subtree`)) return "subtree";
  if (existsSync(`${base}.subtreeToCheck`)) return "subtreeToCheck";
  return undefined;
}
