import { checkHeader } from "@subtreekit/stores";
import { classify } from "../classify.ts";
import type { SubtreeDataBuild } from "./build.ts";

/** One reader of a build's body: chunks from its first byte; `null` at a clean end; throws on failure. */
export interface BuildReader {
  next(): Promise<Uint8Array | null>;
  /** This reader is done (idempotent): the build may stop when its last reader leaves. */
  close(): void;
}

/** A build in flight that a request can follow with a reader permit only: here, or on another replica. */
export interface RunningBuild {
  /** For metrics and the request log: `followed` here, `followed_remote` on another replica. */
  readonly kind: "followed" | "followed_remote";
  /** A reader from byte 0, registered at once, so the build is not stopped while it waits for its permit. */
  open(): BuildReader;
}

/** The right to build one subtree, from {@link BuildRegistry.claim}; the build settles it exactly once. */
export interface Claim {
  /** Temp file name to write under, so other replicas can find the build (scale-out); else random. */
  readonly tempName?: (finalPath: string) => string;
  /** Readers on other replicas may follow: finish the file even when every local reader left. */
  readonly shared: boolean;
  /** Aborts when the claim is lost (a replica's lock session died): the build must stop. */
  readonly lost: AbortSignal;
  /** The build started: readers waiting on the claim read it, and `find` returns it. */
  started(build: SubtreeDataBuild): void;
  /** It never started: waiting readers read `instead` (e.g. a file published meanwhile), or get `error`. */
  failed(error: unknown, instead?: RunningBuild): void;
  /** The build settled (or never started): others may claim the subtree again. Idempotent. */
  release(): void;
}

/**
 * Builds in flight, by display hash: `admit` asks it whether a subtree is being built and claims
 * the right to build it. In-process ({@link LocalBuildRegistry}) or across replicas on Postgres
 * advisory locks (`PostgresBuildRegistry`); `admit` does not know which.
 */
export interface BuildRegistry {
  /** The build of `hex` in flight, if any (a claim not yet started counts: its readers wait for it). */
  find(hash: Uint8Array, hex: string): RunningBuild | undefined | Promise<RunningBuild | undefined>;
  /** The right to build `hex`, or the build that holds it already (follow that instead). */
  claim(hash: Uint8Array, hex: string, signal: AbortSignal): Claim | RunningBuild | Promise<Claim | RunningBuild>;
  /** Builds started in this process and not settled (shutdown, metrics). */
  local(): Iterable<SubtreeDataBuild>;
  /** Claims held in this process (started or not). */
  readonly size: number;
}

export function isClaim(c: Claim | RunningBuild): c is Claim {
  return "started" in c;
}

/** One process: a map of claims, taken synchronously so a request right behind a claim follows it. */
export class LocalBuildRegistry implements BuildRegistry {
  readonly #claims = new Map<string, LocalClaim>();
  readonly #retryAfterS: number;

  /** `retryAfterS`: sent with the 503 of a reader whose build failed to start for a passing reason. */
  constructor(retryAfterS: number) {
    this.#retryAfterS = retryAfterS;
  }

  get size(): number {
    return this.#claims.size;
  }

  find(_hash: Uint8Array, hex: string): RunningBuild | undefined {
    return this.#claims.get(hex)?.running;
  }

  claim(_hash: Uint8Array, hex: string): LocalClaim | RunningBuild {
    const held = this.#claims.get(hex);
    if (held) return held.running;
    const claim = new LocalClaim(this.#retryAfterS, () => {
      if (this.#claims.get(hex) === claim) this.#claims.delete(hex);
    });
    this.#claims.set(hex, claim);
    return claim;
  }

  *local(): Iterable<SubtreeDataBuild> {
    for (const c of this.#claims.values()) if (c.build && !c.build.settled) yield c.build;
  }
}

type Resolution = { build: SubtreeDataBuild } | { instead: RunningBuild } | { error: unknown };

/**
 * A claim in this process. Its followers see `running`: before the build starts (the subtree and
 * the temp file are being opened) a follower's reader waits for it, then reads it.
 */
export class LocalClaim implements Claim {
  readonly running: RunningBuild = { kind: "followed", open: () => this.#open() };
  readonly shared = false;
  readonly lost = new AbortController().signal;
  build: SubtreeDataBuild | undefined;
  readonly #resolved: Promise<Resolution>;
  #resolve!: (r: Resolution) => void;
  readonly #retryAfterS: number;
  readonly #onRelease: () => void;

  constructor(retryAfterS: number, onRelease: () => void) {
    this.#retryAfterS = retryAfterS;
    this.#onRelease = onRelease;
    this.#resolved = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  started(build: SubtreeDataBuild): void {
    this.build = build;
    this.#resolve({ build });
  }

  failed(error: unknown, instead?: RunningBuild): void {
    this.#resolve(instead ? { instead } : { error });
  }

  release(): void {
    this.#onRelease();
  }

  #open(): BuildReader {
    if (this.build) return this.build.open("follower");
    let inner: BuildReader | undefined;
    let closed = false;
    return {
      next: async () => {
        if (!inner) {
          const r = await this.#resolved;
          if ("error" in r) throw classify(r.error, this.#retryAfterS);
          inner = "build" in r ? r.build.open("follower") : r.instead.open();
        }
        if (closed) {
          inner.close();
          return null;
        }
        return inner.next();
      },
      close: () => {
        closed = true;
        inner?.close();
      },
    };
  }
}

const HEADER_BYTES = 8;

/** A file published while a build was being set up: its readers read that file instead. */
export function publishedFile(path: string): RunningBuild {
  return {
    kind: "followed",
    open() {
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      return {
        next: async () => {
          if (!reader) {
            // Another writer's file: never send one whose header is not subtree data.
            checkHeader(await Bun.file(path).slice(0, HEADER_BYTES).bytes(), "subtreeData", path);
            reader = Bun.file(path).slice(HEADER_BYTES).stream().getReader();
          }
          const r = await reader.read();
          return r.done ? null : r.value;
        },
        close: () => void reader?.cancel().catch(() => {}),
      };
    },
  };
}
