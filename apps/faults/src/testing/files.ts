import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every file under `dir`, relative paths, sorted (for "no file created" checks). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, "");
  return out.sort();
}

/**
 * Files whose name marks a subtree_data file, its temp (`.<hash>.subtreeData.<random>.tmp`) or
 * its delete-at-height side file (`<hash>.subtreeData.dah`).
 */
export function subtreeDataFiles(dir: string, hash: string): { final: string[]; temp: string[]; dah: string[] } {
  const files = listFiles(dir);
  return {
    final: files.filter((f) => f.endsWith(`${hash}.subtreeData`)),
    temp: files.filter((f) => f.includes(`${hash}.subtreeData`) && f.endsWith(".tmp")),
    dah: files.filter((f) => f.endsWith(`${hash}.subtreeData.dah`)),
  };
}

export function sizeOf(path: string): number {
  return statSync(path).size;
}
