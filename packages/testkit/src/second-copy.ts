import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

/**
 * Imports a fresh copy of `file` from a temporary directory: a separate module instance, as when
 * two versions of a package are installed side by side, so its classes fail `instanceof` against
 * the original's. Only for a file without relative imports (a package's base error file).
 *
 * @example
 * ```ts
 * const copy = await importSecondCopy<typeof import("./errors.ts")>(join(import.meta.dir, "errors.ts"));
 * expect(new copy.SettingsError([])).not.toBeInstanceOf(SettingsError);
 * ```
 */
export async function importSecondCopy<T>(file: string): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "second-copy-"));
  try {
    const copy = join(dir, basename(file));
    copyFileSync(file, copy);
    return (await import(copy)) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
