import { readFile, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { StorageError } from "../errors/storage-error.ts";

/** Side file of a blob holding its delete-at-height (DAH) as a decimal number. */
export const dahPath = (blobFile: string): string => `${blobFile}.dah`;

/**
 * The DAH recorded for `blobFile`; 0 (keep forever) when there is no `.dah` file.
 * A `.dah` that is not a decimal height is a {@link StorageError} (`BAD_DAH`).
 */
export async function readDah(blobFile: string): Promise<number> {
  const file = dahPath(blobFile);
  let text: string;
  try {
    text = await readFile(file, "latin1");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw new StorageError("IO", `cannot read ${file}: ${(err as Error).message}`, { cause: err, file });
  }
  const t = text.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n)) {
    throw new StorageError("BAD_DAH", `${file} holds ${JSON.stringify(t.slice(0, 40))}, not a block height`, { file });
  }
  return n;
}

/**
 * Records `height` as the DAH of `blobFile`; 0 removes the side file (keep forever, as the
 * reference does). Written to a hidden temp and renamed, so a reader never sees half a number.
 */
export async function writeDah(blobFile: string, height: number): Promise<void> {
  if (!Number.isSafeInteger(height) || height < 0) {
    throw new TypeError(`DAH must be a non-negative integer block height, got ${String(height)}`);
  }
  const file = dahPath(blobFile);
  if (height === 0) {
    await unlink(file).catch(ignoreMissing);
    return;
  }
  const rand = crypto.getRandomValues(new Uint32Array(2)).join("");
  // Same shape as the sink's temp names, so sweepTempFiles cleans up after a crash here too.
  const tmp = join(dirname(file), `.${basename(file)}.${rand}.tmp`);
  try {
    await writeFile(tmp, `${height}\n`);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(ignoreMissing);
    throw new StorageError("IO", `cannot write ${file}: ${(err as Error).message}`, { cause: err, file });
  }
}

/** For `unlink(...).catch(ignoreMissing)`: a file already gone is what we wanted. */
export function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
}
