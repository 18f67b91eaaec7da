import { link, open, rename, stat, unlink } from "node:fs/promises";
import { FileExistsError } from "./file-exists-error.ts";

/** Errors meaning "this filesystem has no hard links" (some FUSE, SMB and object-store mounts). */
const NO_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"]);

/**
 * Publishes `tmp` as `final` without ever replacing a file another writer published.
 *
 * rename(2) silently replaces an existing target, so a check-then-rename has a window in which a
 * concurrent writer's file is overwritten. link(2) fails with EEXIST instead, atomically: the temp
 * is linked to the final name, then the temp name is removed. Only where the filesystem has no
 * hard links do we fall back to check-then-rename (the window is then accepted: both writers built
 * the same bytes). The inode stays the same either way, which followers with the temp open rely on.
 */
export async function publishNoReplace(tmp: string, final: string): Promise<void> {
  try {
    await link(tmp, final);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code === "EEXIST") throw new FileExistsError(final, { cause: error });
    if (!NO_LINKS.has(code)) throw error;
    if (await exists(final)) throw new FileExistsError(final);
    await rename(tmp, final);
    return;
  }
  await unlink(tmp);
}

/** fsync a directory, so a rename/link in it survives a power loss (POSIX leaves it unspecified otherwise). */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
