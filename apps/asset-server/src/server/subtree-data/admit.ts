import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync } from "node:fs";
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
  /** The loop turn in which the data file was last seen absent (see {@link servableSize}). */
  absentIn?: number;
}

const HEX_64 = /^[0-9a-fA-F]{64}$/;
const LOWER_HEX_64 = /^[0-9a-f]{64}$/;
const MAX_TARGETS = 10_000;

/**
 * The target of `raw` (64 hex, any case), or a 400 before any store is touched. Kept per hash in
 * `ctx.targets`: in a 503 storm the same few hashes come back, and decoding, path building and the
 * subtree's stat were most of a rejection's own cost. Only what cannot change is kept: whether the
 * subtree_data file exists is looked at on every request.
 */
export function targetOf(ctx: ServerContext, raw: string | undefined): Target {
  let hex: string;
  if (raw !== undefined && LOWER_HEX_64.test(raw)) hex = raw;
  else if (raw !== undefined && HEX_64.test(raw)) hex = raw.toLowerCase();
  else throw new AssetHttpError("BAD_REQUEST", "invalid hash: must be exactly 64 hex characters");
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
 * brief deferral of a free permit come from `ctx.retry`. Synchronous up to the first question
 * that needs I/O (a registry across replicas, a claim), with sync file checks: this runs for every
 * rejected request of a storm, where each await or thread-pool round trip is a share of the cost.
 */
export function admit(
  ctx: ServerContext,
  t: Target,
  client: { readonly signal: AbortSignal },
): Decision | Promise<Decision> {
  if (ctx.closing)
    return { kind: "reject", retryAfterS: ctx.settings.asset_subtree_data_retry_after_s, why: "shutdown" };
  const size = servableSize(ctx, t);
  if (size >= 0) return { kind: "file", size };
  const subtree = (t.subtree ??= subtreeOf(t.dataPath));
  if (subtree === undefined) return NOT_FOUND;
  const running = ctx.builds.find(t.hash, t.hex);
  if (running instanceof Promise) return running.then((r) => afterFind(ctx, t, subtree, client, r, true));
  return afterFind(ctx, t, subtree, client, running, false);
}

const NOT_FOUND: Decision = { kind: "notFound" };

function afterFind(
  ctx: ServerContext,
  t: Target,
  subtree: BlobType,
  client: { readonly signal: AbortSignal },
  running: RunningBuild | undefined,
  awaited: boolean,
): Decision | Promise<Decision> {
  if (running) return { kind: "follow", build: running };
  const permit = ctx.retry.mayStart(t.hex, ctx.createSem.available) ? ctx.createSem.tryAcquire() : undefined;
  if (permit) return claim(ctx, t, subtree, permit, client);
  if (!awaited) return reject(ctx, t);
  // `find` was asked across replicas (an await): a build claimed meanwhile is followed, not rejected.
  return Promise.resolve(ctx.builds.find(t.hash, t.hex)).then((claimed) =>
    claimed ? { kind: "follow", build: claimed } : reject(ctx, t),
  );
}

function reject(ctx: ServerContext, t: Target): Decision {
  return { kind: "reject", retryAfterS: ctx.retry.retryAfterS(t.hex), why: "capacity" };
}

async function claim(
  ctx: ServerContext,
  t: Target,
  subtree: BlobType,
  permit: Permit,
  client: { readonly signal: AbortSignal },
): Promise<Decision> {
  let claimed: Claim | RunningBuild;
  try {
    claimed = await ctx.builds.claim(t.hash, t.hex, client.signal);
  } catch (error) {
    permit.release();
    throw error;
  }
  if (isClaim(claimed)) return { kind: "build", permit, claim: claimed, subtree };
  // Claimed meanwhile (another replica): following it needs no create permit.
  permit.release();
  return { kind: "follow", build: claimed };
}

/**
 * Size of the subtree_data file when it can be served, else -1. A file whose header is not
 * `SD-1.0` is never sent as a 200: it is moved aside (logged, counted) so it is built afresh,
 * or, with no subtree to rebuild it from, a 500 that names it.
 */
function servableSize(ctx: ServerContext, t: Target): number {
  // A miss is checked once per loop turn: every request of the turn had arrived before that
  // check, so it answers them all truly, and a storm's burst of one hash costs one syscall.
  const turn = ctx.turn.current();
  if (t.absentIn === turn) return -1;
  const path = t.dataPath;
  if (!existsSync(path)) {
    t.absentIn = turn;
    return -1;
  }
  const head = new Uint8Array(8);
  let fd: number;
  let got: number;
  let size: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return -1; // pruned since
  }
  try {
    size = fstatSync(fd).size;
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
