import { SubtreeStreamError } from "../errors.ts";

/**
 * The final file already exists (at open, or published by another writer while this one was
 * writing). Not a failure of the data: callers usually serve the existing file instead.
 *
 * @example
 * ```ts
 * try { sink = await createAtomicFileSink(path); }
 * catch (e) { if (e instanceof FileExistsError) return serveFile(e.path); throw e; }
 * ```
 */
export class FileExistsError extends SubtreeStreamError {
  override name = "FileExistsError" as const;
  declare readonly code: "FILE_EXISTS";
  /** The final path that exists. */
  readonly path: string;
  constructor(path: string, options?: { cause?: unknown }) {
    super("FILE_EXISTS", `file already exists: ${path}`, options);
    this.path = path;
  }
}
