import { IS_CI } from "./paths.ts";

/** The test database: `SUBTREEKIT_TEST_POSTGRES_URL`, default the local server's `test` database. */
export function postgresUrl(): string {
  return process.env.SUBTREEKIT_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
}

let probe: Promise<string | undefined> | undefined;

/**
 * Resolves to the Postgres URL when the server answers, or undefined after printing why the
 * caller's tests are skipped. Under CI an unreachable server is a failure, not a skip.
 */
export function requirePostgres(what: string): Promise<string | undefined> {
  probe ??= (async () => {
    const url = postgresUrl();
    const sql = new Bun.SQL(url, { max: 1, connectionTimeout: 3 });
    try {
      await sql`select 1`;
      return url;
    } catch (err) {
      return `unreachable: ${(err as Error).message}`;
    } finally {
      await sql.close().catch(() => {});
    }
  })().then((r) => (r?.startsWith("unreachable") ? `!${r}` : r));
  return probe.then((r) => {
    if (r && !r.startsWith("!")) return r;
    const reason = `PostgreSQL at ${postgresUrl()} ${r?.slice(1)}: ${what}`;
    if (IS_CI) throw new Error(`CI=true and ${reason}`);
    console.warn(`skipped: ${reason}`);
    return undefined;
  });
}
