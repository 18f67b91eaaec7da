// Bun-only entry: atomic file sink on Bun FileSink (filled in by the sink work).
export {};
