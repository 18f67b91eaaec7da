import { StoreOpenError } from "../errors/store-open-error.ts";
import { intParam, redact } from "../url.ts";

/** A `postgres://` URL split into what the driver needs and this package's own parameters. */
export interface PostgresTarget {
  /** URL for the driver, without this package's parameters. */
  driverUrl: string;
  host: string;
  port: number;
  database: string;
  /** `?schema=` (default `subtreekit`): lets tests and tenants share one database. */
  schema: string;
  /** `?pool_size=`, when given. */
  poolSize: number | undefined;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Parses a `postgres://` (or `postgresql://`) URL. `schema` and `pool_size` are read here and
 * removed, so the driver never sees a parameter it does not know.
 *
 * @example
 * ```ts
 * parsePostgresUrl("postgres://app@db:5432/tx?schema=t1").schema; // "t1"
 * ```
 */
export function parsePostgresUrl(url: string, schemaOption?: string): PostgresTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch (cause) {
    throw new StoreOpenError("BAD_URL", `not a Postgres URL: ${redact(url)}`, { cause });
  }
  const schema = schemaOption ?? u.searchParams.get("schema") ?? "subtreekit";
  if (!IDENT.test(schema)) {
    throw new StoreOpenError(
      "BAD_URL",
      `schema ${JSON.stringify(schema)} in ${redact(url)}: expected [a-z_][a-z0-9_]*`,
    );
  }
  const poolSize = u.searchParams.has("pool_size") ? intParam(u.searchParams, "pool_size", 0, url) : undefined;
  u.searchParams.delete("schema");
  u.searchParams.delete("pool_size");
  const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || decodeURIComponent(u.username) || "postgres";
  return {
    driverUrl: u.toString(),
    host: u.hostname || "localhost",
    port: u.port ? Number(u.port) : 5432,
    database,
    schema,
    poolSize,
  };
}
