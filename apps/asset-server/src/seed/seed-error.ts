/** Why `seed` refused to run. */
export type SeedErrorCode = "BAD_OPTION";

/** Bad `seed` options (counts, sizes, seed); thrown before anything is stored. */
export class SeedError extends Error {
  override name = "SeedError" as const;
  readonly code: SeedErrorCode;
  constructor(code: SeedErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
