import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SQLITE_SCHEMA_VERSION } from "../../packages/stores/src/tx/sqlite-schema.ts";

/** What `seed --json` printed, plus where the cached stores are. */
export interface SeededData {
  block: string;
  subtrees: string[];
  /** Directory holding `tx.sqlite` and `blobs/` (subtrees and the block only, never subtree data). */
  dir: string;
  txStorePath: string;
  blobDir: string;
  /** Seconds the seed took when it ran; 0 when the cache was reused. */
  seededS: number;
}

export interface SeedCacheOptions {
  subtrees: number;
  txs: number;
  txBytes: number;
  seed: number;
  /** Root of the caches; default `<os tmpdir>/subtreekit-storm`. */
  root?: string;
  repoRoot: string;
  signal?: AbortSignal;
}

/**
 * Seeds once per parameter set into a cache directory and reuses it: 40 × 20000 × 2000 B is
 * ~1.6 GB of txs and takes minutes, far longer than a storm run. The seed runs as the real
 * `seed` command in a child process (the same code path as an operator's), and `seed.json` is
 * written last, so a seed that was killed half-way is never mistaken for a finished one.
 */
export async function seedCached(options: SeedCacheOptions): Promise<SeededData> {
  const root = options.root ?? join(tmpdir(), "subtreekit-storm");
  const key = `s${options.subtrees}-t${options.txs}-b${options.txBytes}-seed${options.seed}`;
  const dir = join(root, key);
  const marker = join(dir, "seed.json");
  const txStorePath = join(dir, "tx.sqlite");
  const blobDir = join(dir, "blobs");
  if (existsSync(marker) && schemaVersion(txStorePath) === SQLITE_SCHEMA_VERSION) {
    const done = JSON.parse(readFileSync(marker, "utf8")) as { block: string; subtrees: string[] };
    return { ...done, dir, txStorePath, blobDir, seededS: 0 };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const child = Bun.spawn(
    [
      process.execPath,
      resolve(options.repoRoot, "apps/asset-server/src/main.ts"),
      "seed",
      "--subtrees",
      String(options.subtrees),
      "--txs",
      String(options.txs),
      "--tx-bytes",
      String(options.txBytes),
      "--seed",
      String(options.seed),
      "--json",
      "--txstore",
      `sqlite://${txStorePath}`,
      "--subtreestore",
      `file://${blobDir}?fsync=none`,
    ],
    { cwd: dir, stdout: "pipe", stderr: "inherit", env: { ...process.env, logLevel: "warn" } },
  );
  const onAbort = () => child.kill("SIGKILL");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    if (code !== 0) throw new Error(`seed exited with ${code}`);
    const json = out.trim().split("\n").at(-1) ?? "";
    const done = JSON.parse(json) as { block: string; subtrees: string[] };
    checkpoint(txStorePath);
    writeFileSync(marker, JSON.stringify(done));
    return { ...done, dir, txStorePath, blobDir, seededS: (performance.now() - started) / 1000 };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * The schema version the cached file holds. A cache written by an older store layout would be
 * migrated by the server at start-up (minutes of rewriting 1.6 GB, inside the measured run), so
 * a mismatch means seed again.
 */
function schemaVersion(path: string): number | undefined {
  try {
    const db = new Database(path, { readonly: true });
    try {
      return (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Folds the seed's write-ahead log into the database file and truncates it: otherwise the first
 * server to open the store replays gigabytes of WAL before it listens.
 */
function checkpoint(path: string): void {
  const db = new Database(path);
  try {
    db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}
