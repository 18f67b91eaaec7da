/**
 * Mounts a tmpfs of `sizeMiB` at `dir` (an existing empty directory). Needs root (or
 * CAP_SYS_ADMIN); returns the reason when it cannot, so the caller can skip and print why.
 */
export function mountTmpfs(dir: string, sizeMiB: number): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== "linux") return { ok: false, reason: "tmpfs mounts need Linux" };
  if (process.getuid?.() !== 0) return { ok: false, reason: "mounting a tmpfs needs root" };
  const r = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", `size=${sizeMiB}m`, "tmpfs", dir], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) return { ok: false, reason: `mount -t tmpfs failed: ${r.stderr.toString().trim()}` };
  return { ok: true };
}

/** Unmounts `dir` (lazily if busy, so a crashed test never leaves the mount pinned). */
export function unmount(dir: string): void {
  const r = Bun.spawnSync(["umount", dir], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) Bun.spawnSync(["umount", "-l", dir], { stdout: "pipe", stderr: "pipe" });
}
