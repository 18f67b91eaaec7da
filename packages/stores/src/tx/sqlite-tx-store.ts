import { Database, type Statement } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { assertHash } from "@subtreekit/subtree-stream";
import { StorageError } from "../errors/storage-error.ts";
import { StoreOpenError } from "../errors/store-open-error.ts";
import { sortOrder } from "./sort-order.ts";
import { readRowsById } from "./sqlite-read-rows.ts";
import { migrateSqlite } from "./sqlite-schema.ts";
import type { SignalOption, StoredTx, TxRecord, TxStore } from "./tx-store.ts";
import { assertHashes, validateRecords } from "./validate.ts";

/** Options of {@link SqliteTxStore.open}. */
export interface SqliteTxStoreOptions {
  /**
   * Bytes of the file SQLite maps into memory. Type: number. Default: 1 GiB.
   * Why: mapped reads skip a copy per page; the issue measured the fast end of sorted lookups
   * with mmap on. 0 turns it off (e.g. on a network filesystem).
   */
  mmapSize?: number;
  /** Page cache in KiB. Type: number. Default: 65536 (64 MiB). */
  cacheKiB?: number;
  /** How long a writer waits for another process's write lock, in ms. Default: 5000. */
  busyTimeoutMs?: number;
}

type Row = { standard: Uint8Array; extended: Uint8Array | null; fee: number | bigint | null; size: number };

// Check for cancellation this often inside a synchronous batch: cheap, and bounds the time an
// aborted build keeps the thread to a few milliseconds.
const ABORT_CHECK_EVERY = 1024;

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
  #get: Statement<Row, [Uint8Array]>;
  #idOf: Statement<{ id: number }, [Uint8Array]>;
  #byId: Statement<{ standard: Uint8Array }, [number]>;
  #byIdRange: Statement<{ id: number; standard: Uint8Array }, [number, number]>;
  #has: Statement<{ one: number }, [Uint8Array]>;
  #put: Statement<unknown, [Uint8Array, Uint8Array, Uint8Array | null, number | bigint | null, number]>;
  #count: Statement<{ n: number }, []>;

  private constructor(path: string, db: Database) {
    this.path = path;
    this.#db = db;
    this.#get = db.query("SELECT standard, extended, fee, size FROM txs WHERE hash = ?1");
    this.#idOf = db.query("SELECT id FROM txs WHERE hash = ?1");
    this.#byId = db.query("SELECT standard FROM txs WHERE id = ?1");
    this.#byIdRange = db.query("SELECT id, standard FROM txs WHERE id BETWEEN ?1 AND ?2");
    this.#has = db.query("SELECT 1 AS one FROM txs WHERE hash = ?1");
    // A txid names one transaction, so a repeat keeps its bytes; only a missing EF form is added.
    this.#put = db.query(`INSERT INTO txs (hash, standard, extended, fee, size) VALUES (?1, ?2, ?3, ?4, ?5)
      ON CONFLICT (hash) DO UPDATE SET extended = excluded.extended
      WHERE txs.extended IS NULL AND excluded.extended IS NOT NULL`);
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
      db.run(`PRAGMA mmap_size = ${Math.trunc(options.mmapSize ?? 2 ** 30)}`);
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
    return new SqliteTxStore(path, db);
  }

  #open(): Database {
    if (!this.#db) throw new StorageError("CLOSED", `SQLite tx store ${this.path} is closed`);
    return this.#db;
  }

  /** Runs `fn` over the batch in key order inside one read transaction. */
  #sorted(hashes: readonly Uint8Array[], signal: AbortSignal | undefined, fn: (i: number) => void): void {
    signal?.throwIfAborted();
    assertHashes(hashes);
    const db = this.#open();
    const order = sortOrder(hashes);
    // One transaction = one snapshot and one lock acquisition for the whole batch.
    db.transaction(() => {
      for (let k = 0; k < order.length; k++) {
        if (k % ABORT_CHECK_EVERY === ABORT_CHECK_EVERY - 1) signal?.throwIfAborted();
        fn(order[k]!);
      }
    }).deferred();
  }

  async getTxs(hashes: readonly Uint8Array[], signal?: AbortSignal): Promise<(Uint8Array | undefined)[]> {
    signal?.throwIfAborted();
    assertHashes(hashes);
    const db = this.#open();
    const out: (Uint8Array | undefined)[] = new Array(hashes.length).fill(undefined);
    // One read transaction: both phases see one snapshot, and the lock is taken once.
    db.transaction(() => {
      const ids = this.#resolveIds(hashes, signal);
      readRowsById(ids, out, this.#byId, this.#byIdRange, signal);
    }).deferred();
    return out;
  }

  /**
   * Phase 1: rowid of each hash (-1 when unknown) from the hash index alone, probed in key
   * order so the index is walked forward once instead of hit at random.
   */
  #resolveIds(hashes: readonly Uint8Array[], signal: AbortSignal | undefined): Float64Array {
    const ids = new Float64Array(hashes.length);
    const order = sortOrder(hashes);
    const stmt = this.#idOf;
    for (let k = 0; k < order.length; k++) {
      if (k % ABORT_CHECK_EVERY === ABORT_CHECK_EVERY - 1) signal?.throwIfAborted();
      const i = order[k]!;
      ids[i] = stmt.get(hashes[i]!)?.id ?? -1;
    }
    return ids;
  }

  async getTx(hash: Uint8Array, options: SignalOption = {}): Promise<StoredTx | undefined> {
    options.signal?.throwIfAborted();
    assertHash(hash);
    this.#open();
    const row = this.#get.get(hash);
    if (!row) return undefined;
    const tx: StoredTx = { standard: row.standard, size: row.size };
    if (row.extended) tx.extended = row.extended;
    if (row.fee !== null) tx.fee = BigInt(row.fee);
    return tx;
  }

  async has(hashes: readonly Uint8Array[], options: SignalOption = {}): Promise<boolean[]> {
    const out: boolean[] = new Array(hashes.length);
    const stmt = this.#has;
    this.#sorted(hashes, options.signal, (i) => {
      out[i] = stmt.get(hashes[i]!) !== null;
    });
    return out;
  }

  async missing(hashes: readonly Uint8Array[], options: SignalOption = {}): Promise<number> {
    let n = 0;
    for (const present of await this.has(hashes, options)) if (!present) n++;
    return n;
  }

  async putTxs(records: readonly TxRecord[], options: SignalOption = {}): Promise<void> {
    options.signal?.throwIfAborted();
    validateRecords(records);
    const db = this.#open();
    const put = this.#put;
    // IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout instead of
    // deadlocking on a read-to-write upgrade. A throw anywhere rolls the whole batch back.
    db.transaction(() => {
      for (const r of records) put.run(r.hash, r.standard, r.extended ?? null, r.fee ?? null, r.size);
    }).immediate();
  }

  async count(options: SignalOption = {}): Promise<number> {
    options.signal?.throwIfAborted();
    this.#open();
    return this.#count.get()!.n;
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    db?.close();
  }
}
