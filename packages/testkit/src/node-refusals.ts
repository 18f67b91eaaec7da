/** What Node must say when a Bun-only entry is imported (issue 19): one sentence, at import. */
export const NODE_REFUSALS = {
  "@subtreekit/stores": "@subtreekit/stores needs Bun ≥ 1.4: it uses bun:sqlite and Bun.sql",
  "@subtreekit/subtree-stream/bun":
    "@subtreekit/subtree-stream/bun needs Bun ≥ 1.4: it writes and reads files through Bun.file; the main entry @subtreekit/subtree-stream runs on Node",
} as const;
