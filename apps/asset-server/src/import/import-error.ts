/** Why a file was not imported. */
export type ImportErrorCode =
  /** The bytes do not parse as the kind of file they were taken for. */
  | "MALFORMED"
  /** The file is not any kind `import` knows, or not the kind its name says. */
  | "WRONG_KIND"
  /** It parses, but a hash does not match: txid vs node, merkle root vs name or header. */
  | "MISMATCH"
  /** Something the file needs (a block's subtree) was not given and is not stored. */
  | "MISSING"
  /** Reading the file or writing the stores failed. */
  | "IO";

/**
 * One file that could not be imported: names the file and the byte offset of the problem, so
 * the message alone is enough to find it with `xxd -s`. Nothing of that file was stored.
 */
export class ImportError extends Error {
  override name = "ImportError" as const;
  readonly code: ImportErrorCode;
  readonly file: string;
  /** Byte offset in the file (after hex decoding for `.hex` files). */
  readonly offset: number;
  constructor(code: ImportErrorCode, file: string, offset: number, detail: string, options?: { cause?: unknown }) {
    super(`${file}: at byte ${offset}: ${detail}`, options);
    this.code = code;
    this.file = file;
    this.offset = offset;
  }
}

/** Byte offset carried by a subtree-stream parse error, if any. */
export function offsetOf(err: unknown): number | undefined {
  const o = (err as { offset?: unknown } | null)?.offset;
  return typeof o === "number" ? o : undefined;
}

/**
 * Wraps a parse error from `@subtreekit/subtree-stream` as an ImportError of `file`, moving its
 * offset by `base` (the bytes of a stripped magic header) so it points into the file as stored.
 */
export function asImportError(err: unknown, file: string, base: number, what: string): ImportError {
  if (err instanceof ImportError) return err;
  const code = (err as { name?: string }).name === "TxHashMismatchError" ? "MISMATCH" : "MALFORMED";
  const inner = offsetOf(err);
  const message = (err as Error).message ?? String(err);
  return new ImportError(code, file, base + (inner ?? 0), `${what}: ${message}`, { cause: err });
}
