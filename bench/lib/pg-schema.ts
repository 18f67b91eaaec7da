// The benches of issue 17 print a Postgres row beside SQLite's. Each such row gets a schema of its
// own on the test Postgres (SUBTREEKIT_TEST_POSTGRES_URL, else the local default), so its disk
// bytes are exactly its own tables, and the schema is dropped afterwards.
import { postgresUrl } from "../../packages/testkit/src/index.ts";

/** A fresh, empty schema for one bench store. */
export interface PgBenchSchema {
  /** The store URL, with `?schema=` set: pass it to `openTxStore` or a CLI's `--txstore`. */
  url: string;
  schema: string;
  /** Bytes of the schema's tables with their indexes and TOAST (`pg_total_relation_size`). */
  bytes(): Promise<number>;
  drop(): Promise<void>;
}

/**
 * A new schema named after `tag`, or undefined (after saying why) when Postgres does not answer:
 * the SQLite rows still print.
 */
export async function freshPgSchema(tag: string, base = postgresUrl()): Promise<PgBenchSchema | undefined> {
  const sql = new Bun.SQL(base, { max: 1, connectionTimeout: 3 });
  try {
    await sql`select 1`;
  } catch (err) {
    await sql.close();
    console.log(`postgres: no row (server does not answer: ${String(err)})`);
    return undefined;
  }
  const schema = `bench_${tag}_${process.pid}_${Date.now().toString(36)}`.replace(/[^a-z0-9_]/gi, "_");
  const url = `${base}${base.includes("?") ? "&" : "?"}schema=${schema}`;
  return {
    url,
    schema,
    async bytes() {
      const [row] = await sql`
        SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS n
        FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
        WHERE ns.nspname = ${schema} AND c.relkind = 'r'`;
      return Number(row.n);
    },
    async drop() {
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await sql.close();
    },
  };
}
