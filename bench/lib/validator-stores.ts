import { diskBytes } from "./disk-bytes.ts";
import { freshPgSchema } from "./pg-schema.ts";

/** Where one bench row's validator keeps its txs: a SQLite file, or a fresh Postgres schema. */
export interface ValidatorStores {
  /** The tx store URL (`--txstore`, `openTxStore`). */
  txstore: string;
  /** The blob store URL (`--subtreestore`, `openBlobStore`), under `dir`. */
  subtreestore: string;
  /** Bytes the row's stores take: the files under `dir`, plus its Postgres tables. */
  diskBytes(): Promise<number>;
  /** Drops the Postgres schema, if any (the files are the caller's to remove with `dir`). */
  drop(): Promise<void>;
}

/**
 * The validator-side stores of a bench row of `kind` under `dir`: undefined (after saying why)
 * for Postgres when its server does not answer, so the SQLite rows still print.
 */
export async function validatorStores(
  kind: "sqlite" | "postgres",
  dir: string,
  tag: string,
): Promise<ValidatorStores | undefined> {
  const pg = kind === "postgres" ? await freshPgSchema(tag) : undefined;
  if (kind === "postgres" && !pg) return undefined;
  return {
    txstore: pg ? pg.url : `sqlite://${dir}/tx.sqlite`,
    subtreestore: `file://${dir}/blobs?fsync=none`,
    diskBytes: async () => diskBytes(dir) + (pg ? await pg.bytes() : 0),
    drop: async () => pg?.drop(),
  };
}

/** The `stores` argument of a bench (`sqlite,postgres` by default), checked. */
export function storeKinds(arg = "sqlite,postgres"): ("sqlite" | "postgres")[] {
  const kinds = arg.split(",");
  if (kinds.some((k) => k !== "sqlite" && k !== "postgres")) throw new Error("stores: sqlite and/or postgres");
  return kinds as ("sqlite" | "postgres")[];
}
