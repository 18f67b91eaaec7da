// What Node (the "node" export condition) loads instead of this package: the real entry imports
// bun:sqlite, which Node rejects with an unhelpful ERR_UNSUPPORTED_ESM_URL_SCHEME at link time.
throw new Error("@subtreekit/stores needs Bun ≥ 1.4: it uses bun:sqlite and Bun.sql");
