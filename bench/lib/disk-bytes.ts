import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Bytes allocated on disk (blocks × 512) by every file under `dir`: what a user's `du` sees. */
export function diskBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += diskBytes(p);
    else if (e.isFile()) total += statSync(p).blocks * 512;
  }
  return total;
}
