import { Database, type Statement } from "bun:sqlite";
import { mkdirSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { assertHash, bytesEqual } from "@subtreekit/subtree-stream";
import { StorageError } from "../errors/storage-error.ts";
import { StoreOpenError } from "../errors/store-open-error.ts";
import { type LocatedRead, readLocated } from "./read-located.ts";
import { hashKey48, keysOf, sortOrder } from "./sort-order.ts";
import { SqliteReadPool } from "./sqlite-read-pool.ts";
import { type IdRow, readRowsById } from "./sqlite-read-rows.ts";
import { migrateSqlite } from "./sqlite-schema.ts";
import { readWindow } from "./sqlite-window-read.ts";
import type { LocatedBatch, PutOptions, SignalOption, StoredTx, TxRecord, TxStore } from "./tx-store.ts";
import { assertHashes, validateLocatedBatch, validateRecords } from "./validate.ts";

/** Options of {@link SqliteTxStore.open}. */
export interface SqliteTxStoreOptions {
  /**
   * Bytes of the file SQLite maps into memory. Type: number. Default: 64 MiB.
   * Why: mapped reads skip a copy per page, but every mapped page the process touched counts in its
   * RSS: with 1 GiB the asset server's peak RSS in the storm benchmark was ~1 GiB of SQLite's map.
   * Measured on a 1.6 GB store (2 CPUs, warm cache): on-demand builds ran as fast with 0, 64 MiB,
   * 256 MiB or 1 GiB (within noise); random batch lookups were ~0.9× of 1 GiB at 64 MiB (~0.6×
   * with a cold cache). Raise it (`?mmap_size=` in the URL) for lookup-heavy use; 0 turns it off
   * (e.g. on a network filesystem).
   */
  mmapSize?: number;
  /** Page cache in KiB. Type: number. Default: 65536 (64 MiB). */
  cacheKiB?: number;
  /** How long a writer waits for another process's write lock, in ms. Default: 5000. */
  busyTimeoutMs?: number;
  /**
   * Worker threads that answer large `getTxs` batches (an on-demand build's chunks) on their own
   * read connections. Type: number. Default: 0 (on the caller's thread). Why it exists: bun:sqlite
   * is synchronous, so a build's lookups share the event loop with its file writes and every
   * client. Why it is off: measured on 2 cores (docs/tx-store-layout.md, "On-demand builds"), the
   * copy to and from the worker cost about what it saved, and more with 4 builds of 250 B txs;
   * it helped one build of 250 B txs (+15–25 %). Workers start on first use and end when idle;
   * `:memory:` has none.
   */
  readWorkers?: number;
}

type Row = {
  hash: Uint8Array;
  standard: Uint8Array;
  extended: Uint8Array | null;
  fee: number | bigint | null;
  size: number;
  file: number | null;
  off: number | null;
  len: number | null;
};

// Check for cancellation this often inside a synchronous batch: cheap, and bounds the time an
// aborted build keeps the thread to a few milliseconds.
const ABORT_CHECK_EVERY = 1024;
const EMPTY = new Uint8Array(0);
/** Rows re-homed per read of their file by `releaseFile`: bounds the bytes held at once (~1 MiB of 250 B txs). */
const RELEASE_CHUNK = 4096;
/** Rows written by one long transaction between its requests for a collection (see putTxBatches). */
const GC_EVERY_ROWS = 8192;
/** Rows added since a put's `absentAt` whose keys it holds to skip lookups (~3 MiB of Set). */
const ADDED_KEYS_MAX = 65_536;
/** Smaller batches are answered on the caller's thread: a round trip to a worker would cost more. */
const WORKER_MIN_BATCH = 256;
/** A worker's page cache in KiB: a build scans rows once, so the OS cache serves it as well. */
const WORKER_CACHE_KIB = 65536;

/**
 * Embedded tx store on `bun:sqlite` (WAL, synchronous=NORMAL, mmap). Batches are looked up in
 * key order inside one read transaction and handed back in request order.
 *
 * @example
 * ```ts
 * const txs = SqliteTxStore.open("./data/txstore.sqlite");
 * await txs.putTxs([{ hash, standard, size: standard.length }]);
 * const [tx] = await txs.getTxs([hash]);
 * ```
 */
export class SqliteTxStore implements TxStore {
  readonly path: string;
  #db: Database | undefined;
  #get: Statement<Row, [number, Uint8Array]>;
  #idOf: Statement<{ id: number }, [number]>;
  #exact: Statement<IdRow & { hasExt: number }, [number, Uint8Array]>;
  #byId: Statement<IdRow, [number]>;
  #byIdRange: Statement<IdRow, [number, number]>;
  #hashById: Statement<IdRow, [number]>;
  #hashByIdRange: Statement<IdRow, [number, number]>;
  #insert: Statement<unknown, [number, Uint8Array, Uint8Array, Uint8Array | null, number | bigint | null, number]>;
  #insertAt: Statement<unknown, [number, Uint8Array, number, number, number, number]>;
  #idOfExact: Statement<{ id: number }, [number, Uint8Array]>;
  #addFile: Statement<unknown, [string]>;
  #fileId: Statement<{ id: number }, [string]>;
  #filePath: Statement<{ path: string }, [number]>;
  #fileRange: Statement<unknown, [number, number, number]>;
  #fileById: Statement<{ id: number; lo: number | null; hi: number | null }, [string]>;
  #locatedIn: Statement<{ id: number; hash: Uint8Array; off: number; len: number }, [number, number, number, number]>;
  #rehome: Statement<unknown, [Uint8Array, number]>;
  #forgetFile: Statement<unknown, [number]>;
  /** Where located rows' files are resolved from: the database's directory. */
  readonly #base: string;
  #realBase: string | undefined;
  readonly #pathOf: (file: number) => string;
  #addExtended: Statement<unknown, [Uint8Array, number]>;
  #count: Statement<{ n: number }, []>;
  #mark: Statement<{ m: number }, []>;
  #keysAfter: Statement<[number], [number]>;
  readonly #pool: SqliteReadPool | undefined;

  private constructor(path: string, db: Database, pool: SqliteReadPool | undefined) {
    this.path = path;
    this.#db = db;
    this.#pool = pool;
    this.#get = db.query(
      "SELECT hash, standard, extended, fee, size, file, off, len FROM txs WHERE k = ?1 AND hash = ?2",
    );
    this.#idOf = db.query("SELECT id FROM txs WHERE k = ?1");
    this.#exact = db.query(
      "SELECT id, hash, standard, file, off, len, extended IS NOT NULL AS hasExt FROM txs WHERE k = ?1 AND hash = ?2",
    );
    this.#byId = db.query("SELECT id, hash, standard, file, off, len FROM txs WHERE id = ?1");
    this.#byIdRange = db.query("SELECT id, hash, standard, file, off, len FROM txs WHERE id BETWEEN ?1 AND ?2");
    this.#hashById = db.query("SELECT id, hash FROM txs WHERE id = ?1");
    this.#hashByIdRange = db.query("SELECT id, hash FROM txs WHERE id BETWEEN ?1 AND ?2");
    this.#insert = db.query("INSERT INTO txs (k, hash, standard, extended, fee, size) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    this.#insertAt = db.query(
      "INSERT INTO txs (k, hash, standard, size, file, off, len) VALUES (?1, ?2, x'', ?3, ?4, ?5, ?6)",
    );
    this.#idOfExact = db.query("SELECT id FROM txs WHERE k = ?1 AND hash = ?2");
    this.#mark = db.query("SELECT coalesce(max(id), 0) AS m FROM txs");
    this.#keysAfter = db.query("SELECT k FROM txs WHERE id > ?1");
    this.#addFile = db.query("INSERT INTO files (path) VALUES (?1) ON CONFLICT (path) DO NOTHING");
    this.#fileId = db.query("SELECT id FROM files WHERE path = ?1");
    this.#filePath = db.query("SELECT path FROM files WHERE id = ?1");
    this.#fileRange = db.query(
      "UPDATE files SET lo = min(coalesce(lo, ?2), ?2), hi = max(coalesce(hi, ?3), ?3) WHERE id = ?1",
    );
    this.#fileById = db.query("SELECT id, lo, hi FROM files WHERE path = ?1");
    // A chunk of a file's rowid stretch at a time: the bytes of a whole file need not be in memory.
    this.#locatedIn = db.query(
      "SELECT id, hash, off, len FROM txs WHERE id BETWEEN ?2 AND ?3 AND file = ?1 ORDER BY id LIMIT ?4",
    );
    this.#rehome = db.query("UPDATE txs SET standard = ?1, file = NULL, off = NULL, len = NULL WHERE id = ?2");
    this.#forgetFile = db.query("DELETE FROM files WHERE id = ?1");
    this.#base = path === ":memory:" ? process.cwd() : dirname(resolve(path));
    this.#pathOf = (file) => resolve(this.#base, this.#filePath.get(file)?.path ?? `<file ${file}>`);
    this.#addExtended = db.query("UPDATE txs SET extended = ?1 WHERE id = ?2");
    this.#count = db.query("SELECT count(*) AS n FROM txs");
  }

  /**
   * Opens (creating file, directory and schema as needed) the store at `path` (`:memory:` for
   * a private in-memory store). Throws {@link StoreOpenError} when the file cannot be opened.
   */
  static open(path: string, options: SqliteTxStoreOptions = {}): SqliteTxStore {
    let db: Database | undefined;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { create: true, strict: true });
      db.run(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
      db.run("PRAGMA journal_mode = WAL");
      // NORMAL with WAL keeps the database consistent on power loss; only the last commits
      // may roll back, which re-fetching from a peer repairs.
      db.run("PRAGMA synchronous = NORMAL");
      db.run(`PRAGMA mmap_size = ${Math.trunc(options.mmapSize ?? 64 * 2 ** 20)}`);
      db.run(`PRAGMA cache_size = -${Math.trunc(options.cacheKiB ?? 65536)}`);
    } catch (cause) {
      db?.close();
      throw new StoreOpenError("UNREACHABLE", `cannot open SQLite tx store ${path}: ${String(cause)}`, { cause });
    }
    try {
      migrateSqlite(db);
    } catch (cause) {
      db.close();
      throw new StoreOpenError("MIGRATION_FAILED", `cannot migrate SQLite tx store ${path}: ${String(cause)}`, {
        cause,
      });
    }
    const workers = Math.trunc(options.readWorkers ?? 0);
    const pool =
      workers > 0 && path !== ":memory:"
        ? new SqliteReadPool(resolve(path), {
            size: workers,
            store: { ...options, cacheKiB: Math.min(options.cacheKiB ?? 65536, WORKER_CACHE_KIB), readWorkers: 0 },
          })
        : undefined;
    return new SqliteTxStore(path, db, pool);
  }

  /** The read workers' counts (live, running, waiting); zeros without workers. */
  get readWorkers(): { workers: number; running: number; queued: number } {
    return this.#pool?.stats ?? { workers: 0, running: 0, queued: 0 };
  }

  #open(): Database {
    if (!this.#db) throw new StorageError("CLOSED", `SQLite tx store ${this.path} is closed`);
    return this.#db;
  }

  /**
   * The batched lookup behind `getTxs` and `has`, inside one read transaction (one snapshot,
   * one lock). A batch inserted together is read as one stretch of rows ({@link readWindow}).
   * The rest: phase 1 resolves rowids from the small integer index, probing in key order;
   * phase 2 reads the rows in rowid order by range scans ({@link readRowsById}) and keeps those
   * whose full hash matches. A 48-bit key shared by two stored txs can hand phase 1 the other
   * one; such a request is answered by an exact lookup.
   */
  #lookup(
    hashes: readonly Uint8Array[],
    signal: AbortSignal | undefined,
    withBytes: boolean,
    take: (i: number, standard: Uint8Array) => void,
  ): void {
    signal?.throwIfAborted();
    assertHashes(hashes);
    const db = this.#open();
    // Rows stored by location are read from their files after the scan, sorted by file and offset.
    const located: LocatedRead[] = [];
    const got = (i: number, row: IdRow) => {
      if (withBytes && row.file != null)
        located.push({ i, hash: row.hash, file: row.file, off: row.off!, len: row.len! });
      else take(i, row.standard ?? EMPTY);
    };
    db.transaction(() => {
      const allKeys = keysOf(hashes);
      const [one, range] = withBytes ? [this.#byId, this.#byIdRange] : [this.#hashById, this.#hashByIdRange];
      const rest = readWindow(hashes, allKeys, this.#idOf, range, got, signal);
      if (rest.length === 0) return;
      // General path for whatever the window did not answer.
      const sub = rest.map((i) => hashes[i]!);
      const keys = Float64Array.from(rest, (i) => allKeys[i]!);
      const order = sortOrder(sub, keys);
      const ids = new Float64Array(sub.length);
      const idOf = this.#idOf;
      for (let n = 0; n < order.length; n++) {
        if (n % ABORT_CHECK_EVERY === ABORT_CHECK_EVERY - 1) signal?.throwIfAborted();
        const j = order[n]!;
        ids[j] = idOf.get(keys[j]!)?.id ?? -1;
      }
      const recheck: number[] = [];
      readRowsById(
        ids,
        one,
        range,
        (j, row) => {
          if (bytesEqual(row.hash, sub[j]!)) got(rest[j]!, row);
          else recheck.push(j);
        },
        signal,
      );
      for (const j of recheck) {
        const row = this.#exact.get(keys[j]!, sub[j]!);
        if (row) got(rest[j]!, row);
      }
    }).deferred();
    if (located.length > 0) readLocated(located, this.#pathOf, take);
  }

  async getTxs(hashes: readonly Uint8Array[], signal?: AbortSignal): Promise<(Uint8Array | undefined)[]> {
    if (this.#pool && hashes.length >= WORKER_MIN_BATCH) {
      signal?.throwIfAborted();
      assertHashes(hashes);
      this.#open();
      return this.#pool.getTxs(hashes, signal);
    }
    const out: (Uint8Array | undefined)[] = new Array(hashes.length).fill(undefined);
    this.#lookup(hashes, signal, true, (i, standard) => {
      out[i] = standard;
    });
    return out;
  }

  async getTx(hash: Uint8Array, options: SignalOption = {}): Promise<StoredTx | undefined> {
    options.signal?.throwIfAborted();
    assertHash(hash);
    this.#open();
    const row = this.#get.get(hashKey48(hash), hash);
    if (!row) return undefined;
    let standard = row.standard;
    if (row.file !== null) {
      readLocated([{ i: 0, hash, file: row.file, off: row.off!, len: row.len! }], this.#pathOf, (_, b) => {
        standard = b;
      });
    }
    const tx: StoredTx = { standard, size: row.size };
    if (row.extended) tx.extended = row.extended;
    if (row.fee !== null) tx.fee = BigInt(row.fee);
    return tx;
  }

  async has(hashes: readonly Uint8Array[], options: SignalOption = {}): Promise<boolean[]> {
    const out: boolean[] = new Array(hashes.length).fill(false);
    this.#lookup(hashes, options.signal, false, (i) => {
      out[i] = true;
    });
    return out;
  }

  async missing(hashes: readonly Uint8Array[], options: SignalOption = {}): Promise<number> {
    let n = 0;
    for (const present of await this.has(hashes, options)) if (!present) n++;
    return n;
  }

  async putTxs(records: readonly TxRecord[], options: SignalOption = {}): Promise<void> {
    await this.putTxBatches([records], options);
  }

  /** Rows are never deleted, so the highest rowid changes exactly when a tx is added. */
  async mark(options: SignalOption = {}): Promise<number> {
    options.signal?.throwIfAborted();
    this.#open();
    return this.#mark.get()!.m;
  }

  async putTxBatches(batches: Iterable<readonly TxRecord[] | LocatedBatch>, options: PutOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const db = this.#open();
    const exact = this.#exact;
    const insert = this.#insert;
    const addExtended = this.#addExtended;
    // IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout instead of
    // deadlocking on a read-to-write upgrade, and check-then-insert cannot race another writer.
    // A throw anywhere (a bad row, the batches' own source) rolls the whole transaction back.
    db.transaction(() => {
      // Only rows added since the caller's has() can hold these txs: their keys, when few, say
      // which rows need a lookup (one per row was half a validator's commit, measured).
      const added = options.absentAt === undefined ? undefined : this.#keysAddedSince(options.absentAt);
      let rows = 0;
      for (const records of batches) {
        rows += Array.isArray(records) ? records.length : (records as LocatedBatch).lengths.length;
        if (!Array.isArray(records)) this.#putLocated(records as LocatedBatch, added);
        else {
          validateRecords(records);
          for (const r of records as readonly TxRecord[]) {
            const k = hashKey48(r.hash);
            const found = added && !added.has(k) ? null : exact.get(k, r.hash);
            // A txid names one transaction: a repeat keeps its bytes, only a missing EF form is added.
            if (!found) insert.run(k, r.hash, r.standard, r.extended ?? null, r.fee ?? null, r.size);
            else if (!found.hasExt && r.extended) addExtended.run(r.extended, found.id);
          }
        }
        // The transaction never yields to the event loop, where Bun schedules collections: without
        // this request its per-statement garbage grew ~75 B a row (37 MiB for 500 000 rows).
        if (rows >= GC_EVERY_ROWS) {
          Bun.gc(false);
          rows = 0;
        }
      }
    }).immediate();
  }

  /**
   * The keys of the rows added after `mark` (rowids above it: rows are never deleted), or
   * undefined when there are more than {@link ADDED_KEYS_MAX}, too many to hold: then every row
   * is looked up.
   */
  #keysAddedSince(mark: number): Set<number> | undefined {
    const now = this.#mark.get()!.m;
    if (now - mark > ADDED_KEYS_MAX || now < mark) return undefined;
    const keys = new Set<number>();
    if (now > mark) for (const row of this.#keysAfter.values(mark)) keys.add(row[0] as number);
    return keys;
  }

  /**
   * One located batch, inside the caller's transaction. Each txid is copied into one reused
   * buffer: an object per tx here was most of a large commit's memory (garbage the GC let pile up).
   */
  #putLocated(b: LocatedBatch, added: Set<number> | undefined): void {
    const n = validateLocatedBatch(b);
    const file = this.#fileOf(b.path);
    const h = new Uint8Array(32);
    const { hashes, offsets, lengths } = b;
    let lo = Number.POSITIVE_INFINITY;
    let hi = -1;
    for (let i = 0; i < n; i++) {
      for (let j = 0, at = i * 32; j < 32; j++) h[j] = hashes[at + j]!;
      const k = hashKey48(h);
      // A txid already stored keeps its row, whichever form it has.
      if ((!added || added.has(k)) && this.#idOfExact.get(k, h)) continue;
      const id = Number(this.#insertAt.run(k, h, lengths[i]!, file, offsets[i]!, lengths[i]!).lastInsertRowid);
      if (id < lo) lo = id;
      if (id > hi) hi = id;
    }
    // The rowids located in the file, for releaseFile: one update a batch, not an index entry a tx.
    if (hi >= 0) this.#fileRange.run(file, lo, hi);
  }

  /**
   * Re-homes every tx located in `path` (bytes copied into its row, the place cleared) and
   * forgets the file, so the file can then be deleted; returns how many rows. Each chunk of rows
   * is its own transaction, with a turn of the event loop between: a 200 000-tx file held the
   * write lock and froze the process for ~2 s in one. A row holds its bytes or a place in a file
   * that still exists, so a failure or abort between chunks leaves a valid store; the file is
   * forgotten only in the transaction that finds no row left in it. A file that cannot be read
   * throws `MISSING_DATA`: the caller must keep it.
   */
  async releaseFile(path: string, options: SignalOption = {}): Promise<number> {
    const { signal } = options;
    signal?.throwIfAborted();
    const db = this.#open();
    const stored = this.#recordedAs(path);
    // Most pruned blobs hold no located tx: answer those without taking the write lock.
    if (stored === undefined) return 0;
    let moved = 0;
    let from = 0; // rows before it are re-homed: new rows get larger rowids
    for (let done = false; !done; ) {
      signal?.throwIfAborted();
      db.transaction(() => {
        // Read again each time: a writer may have located more rows in the file meanwhile.
        const f = this.#fileById.get(stored);
        if (!f) return void (done = true);
        const rows =
          f.lo !== null && f.hi !== null ? this.#locatedIn.all(f.id, Math.max(from, f.lo), f.hi, RELEASE_CHUNK) : [];
        const reads: LocatedRead[] = rows.map((r, i) => ({ i, hash: r.hash, file: f.id, off: r.off, len: r.len }));
        readLocated(reads, this.#pathOf, (i, bytes) => {
          this.#rehome.run(bytes, rows[i]!.id);
        });
        moved += rows.length;
        if (rows.length > 0) from = rows[rows.length - 1]!.id + 1;
        if (rows.length < RELEASE_CHUNK) {
          this.#forgetFile.run(f.id);
          done = true;
        }
      }).immediate();
      if (!done) await new Promise((r) => setImmediate(r));
    }
    return moved;
  }

  async count(options: SignalOption = {}): Promise<number> {
    options.signal?.throwIfAborted();
    this.#open();
    return this.#count.get()!.n;
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    await this.#pool?.close();
    db?.close();
  }

  /** The id of a located batch's file, recorded relative to the database's directory. */
  #fileOf(path: string): number {
    const stored = this.#realStoredPath(path) ?? this.#storedPath(path);
    this.#addFile.run(stored);
    return this.#fileId.get(stored)!.id;
  }

  /** How `files` records `path`: relative to the database's directory when inside it. */
  #storedPath(path: string, base = this.#base): string {
    const abs = resolve(path);
    const rel = relative(base, abs);
    return isAbsolute(rel) ? abs : rel;
  }

  /**
   * `path` as recorded from real paths (symlinks resolved), or undefined when it cannot be
   * resolved. Files are recorded so, and looked up so before pruning: a pruner reaching a file
   * through a symlinked directory must still find the txs located in it, or it would unlink it
   * under them.
   */
  #realStoredPath(path: string): string | undefined {
    try {
      this.#realBase ??= realpathSync(this.#base);
      return this.#storedPath(realpathSync(path), this.#realBase);
    } catch {
      return undefined;
    }
  }

  /** The `files` entry naming `path`, if any: as given (stores of schema v3 kept that), or real. */
  #recordedAs(path: string): string | undefined {
    const plain = this.#storedPath(path);
    if (this.#fileById.get(plain)) return plain;
    const real = this.#realStoredPath(path);
    return real !== undefined && real !== plain && this.#fileById.get(real) ? real : undefined;
  }
}
