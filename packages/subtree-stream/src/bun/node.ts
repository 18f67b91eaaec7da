// What Node (the "node" export condition) loads instead of this entry: the real one would import
// fine and fail only at its first write with `Bun is not defined`, leaving a temp file behind.
throw new Error(
  "@subtreekit/subtree-stream/bun needs Bun ≥ 1.4: it writes and reads files through Bun.file; the main entry @subtreekit/subtree-stream runs on Node",
);
