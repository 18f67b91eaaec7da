import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One fenced code example of a README, as a user would copy it. */
export interface ReadmeExample {
  /** 1-based line of the opening fence, for test names and errors. */
  line: number;
  code: string;
  /** It imports a Bun-only entry or calls Bun's API: it runs under Bun only (Node must refuse). */
  bunOnly: boolean;
  /** What it prints, when it says so: the `// ` lines after a closing `// prints:` line. */
  prints?: string[];
}

/**
 * The runnable examples of a README: every ```ts or ```js block. A block fenced as
 * ```ts fragment (a signature, or a few lines the prose around it completes) is not an example.
 */
export function readmeExamples(file: string): ReadmeExample[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const out: ReadmeExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    if (end < 0) throw new Error(`${file}:${i + 1}: fence never closed`);
    const lang = open[1] as string;
    if (["ts", "js"].includes(lang) && !/\bfragment\b/.test(open[2] as string)) {
      const code = `${lines.slice(i + 1, end).join("\n")}\n`;
      const at = code.lastIndexOf("\n// prints:\n");
      out.push({
        line: i + 1,
        code,
        bunOnly: /@subtreekit\/stores|@subtreekit\/[\w-]+\/bun|\bBun\./.test(code),
        ...(at >= 0
          ? {
              prints: code
                .slice(at + 12)
                .trimEnd()
                .split("\n")
                .map((l) => l.replace(/^\/\/ ?/, "")),
            }
          : {}),
      });
    }
    i = end;
  }
  return out;
}

/** Every README a package ships, relative to its folder: its own and any under `src/`. */
export function shippedReadmes(pkgDir: string): string[] {
  const found = ["README.md"];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(pkgDir, rel), { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== "testdata") walk(join(rel, e.name));
      else if (e.name === "README.md") found.push(join(rel, e.name));
    }
  };
  walk("src");
  return found;
}
