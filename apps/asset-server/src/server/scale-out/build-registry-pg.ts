import { dirname, join } from "node:path";
import { FollowError, followFile, pollingFollowable } from "@subtreekit/subtree-stream/bun";
import type { Logger } from "pino";
import { AssetHttpError } from "../errors.ts";
import type { BlobStorePort } from "../ports.ts";
import type { SubtreeDataBuild } from "../subtree-data/build.ts";
import { BuildGoneError } from "../subtree-data/build-errors.ts";
import {
  type BuildReader,
  type BuildRegistry,
  type Claim,
  isClaim,
  type LocalBuildRegistry,
  publishedFile,
  type RunningBuild,
} from "../subtree-data/build-registry.ts";
import type { BuildCoordinator } from "./coordinator.ts";
import { leaseTempName } from "./lease-temp-name.ts";
import { ScaleOutError } from "./scale-out-error.ts";

/**
 * Builds across replicas that share the stores: one build per subtree, held by a Postgres advisory
 * lock (a `BuildLease`). In this process it is the local registry; a subtree whose lock another
 * replica holds is followed from the shared directory with a reader permit only.
 */
export class PostgresBuildRegistry implements BuildRegistry {
  readonly #local: LocalBuildRegistry;
  readonly #coordinator: BuildCoordinator;
  readonly #blobs: BlobStorePort;
  readonly #logger: Logger;
  readonly #retryAfterS: number;

  constructor(
    local: LocalBuildRegistry,
    coordinator: BuildCoordinator,
    o: { blobs: BlobStorePort; logger: Logger; retryAfterS: number },
  ) {
    this.#local = local;
    this.#coordinator = coordinator;
    this.#blobs = o.blobs;
    this.#logger = o.logger;
    this.#retryAfterS = o.retryAfterS;
  }

  get size(): number {
    return this.#local.size;
  }

  local(): Iterable<SubtreeDataBuild> {
    return this.#local.local();
  }

  /** Here, else a build this replica knows runs elsewhere, else the lock's holder (a lookup cached per key). */
  async find(hash: Uint8Array, hex: string): Promise<RunningBuild | undefined> {
    const here = this.#local.find(hash, hex);
    if (here) return here;
    const pid = this.#coordinator.remote.get(hex) ?? (await this.#coordinator.holder(hash).catch(() => undefined));
    return pid === undefined ? undefined : this.#remote(hash, hex, pid);
  }

  async claim(hash: Uint8Array, hex: string, signal: AbortSignal): Promise<Claim | RunningBuild> {
    // Registered at once, so requests here follow this claim while the lock is asked for.
    const claim = this.#local.claim(hash, hex);
    if (!isClaim(claim)) return claim;
    let lead: Awaited<ReturnType<BuildCoordinator["tryLead"]>>;
    try {
      lead = await this.#coordinator.tryLead(hash, { finalPath: this.#blobs.path(hash, "subtreeData"), signal });
    } catch (error) {
      const e =
        error instanceof ScaleOutError
          ? new AssetHttpError(
              "UNAVAILABLE",
              `cannot coordinate the build of ${hex} with other replicas; retry later`,
              {
                cause: error,
                retryAfterS: this.#retryAfterS,
              },
            )
          : error;
      if (error instanceof ScaleOutError)
        this.#logger.warn({ hash: hex, err: error.message }, "build lock unavailable");
      claim.failed(e);
      claim.release();
      throw e;
    }
    if (lead === "held-elsewhere") {
      const pid = this.#coordinator.remote.get(hex);
      const remote =
        pid === undefined ? publishedFile(this.#blobs.path(hash, "subtreeData")) : this.#remote(hash, hex, pid);
      claim.failed(undefined, remote);
      claim.release();
      return remote;
    }
    const lease = lead;
    const lost = new AbortController();
    lease.onLost((error) => {
      this.#logger.warn({ hash: hex, err: String(error) }, "build lock lost mid-build: aborting the build");
      lost.abort(error);
    });
    return {
      tempName: (finalPath) => lease.tempName(finalPath),
      // Replicas following from the shared directory are invisible here.
      shared: true,
      lost: lost.signal,
      started: (build) => claim.started(build),
      failed: (error, instead) => claim.failed(error, instead),
      release: () => {
        claim.release();
        // After commit (or abort): a replica that takes the lock next finds the final file.
        void lease.release();
      },
    };
  }

  /** The build of `hex` by the replica whose lock session is `pid`, read from the shared directory. */
  #remote(hash: Uint8Array, hex: string, pid: number): RunningBuild {
    const coordinator = this.#coordinator;
    const finalPath = this.#blobs.path(hash, "subtreeData");
    const retryAfterS = this.#retryAfterS;
    return {
      kind: "followed_remote",
      open(): BuildReader {
        const stop = new AbortController();
        // The package follows the builder's file: its temp as it grows, then the final file.
        const source = pollingFollowable({
          finalPath,
          tempPath: join(dirname(finalPath), leaseTempName(finalPath, pid)),
          headerBytes: HEADER_BYTES,
          writerAlive: async () => (await coordinator.holder(hash)) === pid,
          idleTimeoutMs: coordinator.followTimeoutMs,
          pollMs: coordinator.pollMs,
          signal: stop.signal,
        });
        const reader = followFile(source, { signal: stop.signal }).getReader();
        let sent = false;
        return {
          next: async () => {
            try {
              const r = await reader.read();
              if (r.done) {
                coordinator.remote.forget(hex, pid);
                return null;
              }
              sent = true;
              return r.value;
            } catch (error) {
              if (!(error instanceof FollowError)) throw error;
              // Whatever this build's fate, the hint that it runs elsewhere is stale now.
              coordinator.remote.forget(hex, pid);
              if (sent) throw error;
              if (error.code === "WRITER_GONE") {
                throw new BuildGoneError(`the replica building ${hex} stopped before publishing it`, {
                  cause: error,
                  retryAfterS,
                });
              }
              throw new AssetHttpError(
                "UNAVAILABLE",
                `subtree data ${hex} is being built elsewhere: ${error.message}; retry`,
                {
                  cause: error,
                  retryAfterS,
                },
              );
            }
          },
          close: () => {
            stop.abort(new Error("remote follower done"));
            void reader.cancel().catch(() => {});
          },
        };
      },
    };
  }
}

/** The blob's magic, skipped in a body. */
const HEADER_BYTES = 8;
