import { assertHash, toHex } from "@subtreekit/subtree-stream";
import type { ReservedSQL, SQL } from "bun";
import { StorageError } from "../errors/storage-error.ts";
import { StoreOpenError } from "../errors/store-open-error.ts";
import { redact } from "../url.ts";
import { migratePostgres } from "./postgres-schema.ts";
import { parsePostgresUrl } from "./postgres-url.ts";
import { withBytes } from "./read-located.ts";
import type { LocatedBatch, SignalOption, StoredTx, TxRecord, TxStore } from "./tx-store.ts";
import { assertHashes, validateRecords } from "./validate.ts";

/** Options of {@link PostgresTxStore.open}. */
export interface PostgresTxStoreOptions {
  /**
   * Connections in the pool. Type: number. Default: `?pool_size=` of the URL, else 10
   * (settings key `txstore_pool_size`). Why: each in-flight chunk fetch holds one connection,
   * so the pool bounds database load per replica as the create cap bounds memory.
   */
  poolSize?: number;
  /** Schema holding the table. Default: `?schema=` of the URL, else `subtreekit`. */
  schema?: string;
  /** Seconds to wait for the first connection at open. Default: 5. */
  connectTimeoutS?: number;
  signal?: AbortSignal;
}

// Rows per INSERT statement: keeps each parameter array a few MiB; a batch of any size still
// commits in one transaction.
const INSERT_ROWS = 5000;

type Bytes = Uint8Array;
const view = (b: Bytes): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/**
 * Tx store on PostgreSQL through Bun's built-in client, for several replicas sharing one
 * database. `bytea` columns, batched `= ANY($1)` lookups, one transaction per `putTxs`.
 *
 * @example
 * ```ts
 * const txs = await PostgresTxStore.open("postgres://app@db:5432/teranode", { poolSize: 20 });
 * const lock = await txs.reserve(); // a dedicated connection, e.g. for pg_try_advisory_lock
 * ```
 */
export class PostgresTxStore implements TxStore {
  /** The connection pool, for callers that need their own queries (e.g. advisory locks). */
  readonly sql: SQL;
  readonly schema: string;
  #closed = false;
  #q: { get: string; getOne: string; has: string; put: string; count: string };

  private constructor(sql: SQL, schema: string) {
    this.sql = sql;
    this.schema = schema;
    const t = `"${schema}".txs`;
    this.#q = {
      get: `SELECT hash, standard FROM ${t} WHERE hash = ANY($1::bytea[])`,
      getOne: `SELECT standard, extended, fee, size FROM ${t} WHERE hash = $1`,
      has: `SELECT hash FROM ${t} WHERE hash = ANY($1::bytea[])`,
      // A txid names one transaction: a repeat keeps its bytes, only a missing EF form is added.
      put: `INSERT INTO ${t} (hash, standard, extended, fee, size)
        SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::bytea[], $4::bigint[], $5::integer[])
        ON CONFLICT (hash) DO UPDATE SET extended = excluded.extended
        WHERE ${t}.extended IS NULL AND excluded.extended IS NOT NULL`,
      count: `SELECT count(*)::bigint AS n FROM ${t}`,
    };
  }

  /**
   * Connects, checks the server answers and creates the schema. Any failure is a
   * {@link StoreOpenError} naming host, port, database and the cause, so a bad `txstore`
   * setting stops start-up instead of failing the first request.
   */
  static async open(url: string, options: PostgresTxStoreOptions = {}): Promise<PostgresTxStore> {
    const target = parsePostgresUrl(url, options.schema);
    const where = `PostgreSQL ${target.host}:${target.port} database ${JSON.stringify(target.database)}`;
    const sql = new Bun.SQL(target.driverUrl, {
      max: options.poolSize ?? target.poolSize ?? 10,
      connectionTimeout: options.connectTimeoutS ?? 5,
    });
    try {
      options.signal?.throwIfAborted();
      await sql`SELECT 1`;
    } catch (cause) {
      await sql.close().catch(() => {});
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new StoreOpenError("UNREACHABLE", `cannot connect to ${where} (${redact(url)}): ${why}`, { cause });
    }
    try {
      await migratePostgres(sql, target.schema);
    } catch (cause) {
      await sql.close().catch(() => {});
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new StoreOpenError("MIGRATION_FAILED", `cannot create schema "${target.schema}" on ${where}: ${why}`, {
        cause,
      });
    }
    return new PostgresTxStore(sql, target.schema);
  }

  /**
   * A dedicated connection from the pool, held until `release()`. Session state such as
   * `pg_try_advisory_lock` lives exactly as long as it.
   */
  reserve(): Promise<ReservedSQL> {
    this.#assertOpen();
    return this.sql.reserve();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageError("CLOSED", `Postgres tx store (schema ${this.schema}) is closed`);
  }

  async #rows<T>(query: string, params: unknown[], signal: AbortSignal | undefined): Promise<T[]> {
    signal?.throwIfAborted();
    this.#assertOpen();
    const pending = this.sql.unsafe(query, params);
    // Aborting cancels the statement on the server, so a departed client stops costing the
    // database anything; the caller sees the signal's reason, not the cancel error. cancel()
    // returns the query, a thenable that rejects once more: handled here, or bun reports it.
    const cancel = () => void Promise.resolve(pending.cancel()).catch(() => {});
    signal?.addEventListener("abort", cancel, { once: true });
    try {
      return (await pending) as T[];
    } catch (err) {
      signal?.throwIfAborted();
      throw err;
    } finally {
      signal?.removeEventListener("abort", cancel);
    }
  }

  async getTxs(hashes: readonly Uint8Array[], signal?: AbortSignal): Promise<(Uint8Array | undefined)[]> {
    assertHashes(hashes);
    if (hashes.length === 0) return [];
    const rows = await this.#rows<{ hash: Bytes; standard: Bytes }>(this.#q.get, [[...hashes]], signal);
    const byHash = new Map<string, Uint8Array>();
    for (const r of rows) byHash.set(toHex(r.hash), view(r.standard));
    return hashes.map((h) => byHash.get(toHex(h)));
  }

  async getTx(hash: Uint8Array, options: SignalOption = {}): Promise<StoredTx | undefined> {
    assertHash(hash);
    type Row = { standard: Bytes; extended: Bytes | null; fee: string | null; size: number };
    const [row] = await this.#rows<Row>(this.#q.getOne, [hash], options.signal);
    if (!row) return undefined;
    const tx: StoredTx = { standard: view(row.standard), size: row.size };
    if (row.extended) tx.extended = view(row.extended);
    if (row.fee !== null) tx.fee = BigInt(row.fee);
    return tx;
  }

  async has(hashes: readonly Uint8Array[], options: SignalOption = {}): Promise<boolean[]> {
    assertHashes(hashes);
    if (hashes.length === 0) return [];
    const rows = await this.#rows<{ hash: Bytes }>(this.#q.has, [[...hashes]], options.signal);
    const present = new Set(rows.map((r) => toHex(r.hash)));
    return hashes.map((h) => present.has(toHex(h)));
  }

  async missing(hashes: readonly Uint8Array[], options: SignalOption = {}): Promise<number> {
    let n = 0;
    for (const p of await this.has(hashes, options)) if (!p) n++;
    return n;
  }

  async putTxs(records: readonly TxRecord[], options: SignalOption = {}): Promise<void> {
    options.signal?.throwIfAborted();
    validateRecords(records);
    this.#assertOpen();
    if (records.length === 0) return;
    await this.sql.begin((tx) => this.#insert(tx, records, options.signal));
  }

  async putTxBatches(batches: Iterable<readonly TxRecord[] | LocatedBatch>, options: SignalOption = {}): Promise<void> {
    options.signal?.throwIfAborted();
    this.#assertOpen();
    await this.sql.begin(async (tx) => {
      for (const batch of batches) {
        const records = Array.isArray(batch) ? (batch as readonly TxRecord[]) : withBytes(batch as LocatedBatch);
        validateRecords(records);
        await this.#insert(tx, records, options.signal);
      }
    });
  }

  /** One batch inside `tx`, deduplicated: ON CONFLICT cannot touch a row twice in one statement. */
  async #insert(tx: SQL, records: readonly TxRecord[], signal: AbortSignal | undefined): Promise<void> {
    const unique = dedupe(records);
    for (let at = 0; at < unique.length; at += INSERT_ROWS) {
      signal?.throwIfAborted();
      const part = unique.slice(at, at + INSERT_ROWS);
      await tx.unsafe(this.#q.put, [
        part.map((r) => r.hash),
        part.map((r) => r.standard),
        part.map((r) => r.extended ?? null),
        part.map((r) => (r.fee === undefined ? null : BigInt(r.fee))),
        part.map((r) => r.size),
      ]);
    }
  }

  /** Nothing to do: located batches were read into rows at put (replicas need not share a disk). */
  async releaseFile(_path: string, options: SignalOption = {}): Promise<number> {
    options.signal?.throwIfAborted();
    this.#assertOpen();
    return 0;
  }

  async count(options: SignalOption = {}): Promise<number> {
    const [row] = await this.#rows<{ n: string }>(this.#q.count, [], options.signal);
    return Number(row?.n ?? 0);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.sql.close();
  }
}

/**
 * One row per hash (first wins, a later extended form is kept): Postgres rejects an upsert that
 * touches the same row twice in one statement.
 */
function dedupe(records: readonly TxRecord[]): TxRecord[] {
  const seen = new Map<string, TxRecord>();
  for (const r of records) {
    const k = toHex(r.hash);
    const prev = seen.get(k);
    if (!prev) seen.set(k, r);
    else if (!prev.extended && r.extended) seen.set(k, { ...prev, extended: r.extended });
  }
  return [...seen.values()];
}
