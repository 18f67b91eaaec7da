import type { SQL } from "bun";

/**
 * Creates the schema and table; idempotent, and safe when several replicas start at once: a
 * transaction-scoped advisory lock serialises them, because concurrent `CREATE ... IF NOT
 * EXISTS` can still fail with a unique violation in the catalog.
 */
export async function migratePostgres(sql: SQL, schema: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext('subtreekit.stores.migrate'))`;
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS "${schema}".txs (
      hash bytea PRIMARY KEY CHECK (octet_length(hash) = 32),
      standard bytea NOT NULL,
      extended bytea,
      fee bigint,
      size integer NOT NULL
    )`);
  });
}
