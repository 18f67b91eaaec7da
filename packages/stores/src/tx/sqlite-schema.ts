import type { Database } from "bun:sqlite";

/** Schema version this code writes; `PRAGMA user_version` records what a file holds. */
export const SQLITE_SCHEMA_VERSION = 1;

/**
 * Creates or upgrades the schema; idempotent.
 *
 * Layout: a rowid table filled in insert order (the importer and the validator insert a block's
 * txs subtree by subtree) plus a unique index on the hash. A lookup probes the small index, then
 * the table, where one subtree's rows sit next to each other: a 10,000-tx chunk touches a few
 * hundred contiguous pages instead of 10,000 pages scattered by hash, as a `WITHOUT ROWID`
 * table keyed by hash would.
 */
export function migrateSqlite(db: Database): void {
  const version = (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
  if (version > SQLITE_SCHEMA_VERSION) {
    throw new Error(`schema version ${version} is newer than this code (${SQLITE_SCHEMA_VERSION})`);
  }
  if (version === SQLITE_SCHEMA_VERSION) return;
  db.transaction(() => {
    db.run(`CREATE TABLE IF NOT EXISTS txs (
      id INTEGER PRIMARY KEY,
      hash BLOB NOT NULL CHECK (length(hash) = 32),
      standard BLOB NOT NULL,
      extended BLOB,
      fee INTEGER,
      size INTEGER NOT NULL
    )`);
    db.run("CREATE UNIQUE INDEX IF NOT EXISTS txs_hash ON txs(hash)");
    db.run(`PRAGMA user_version = ${SQLITE_SCHEMA_VERSION}`);
  }).immediate();
}
