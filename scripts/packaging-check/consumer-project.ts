import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What a command did, output and all, for the report. */
export interface Ran {
  code: number;
  out: string;
}

/**
 * A fresh project outside the repository, as a user would make one: its own package.json and an
 * .npmrc that sends @subtreekit/* to the local registry (everything else to the default one).
 */
export class ConsumerProject {
  readonly dir = mkdtempSync(join(tmpdir(), "stk-consumer-"));

  constructor(
    readonly name: string,
    registry: string,
    { isolatedLinker = false } = {},
  ) {
    writeFileSync(join(this.dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }, null, 2));
    writeFileSync(join(this.dir, ".npmrc"), `@subtreekit:registry=${registry}\n`);
    // Bun's isolated linker exposes only declared dependencies: a README install line that
    // forgets a package its example imports fails here, as it did for a user.
    if (isolatedLinker) writeFileSync(join(this.dir, "bunfig.toml"), '[install]\nlinker = "isolated"\n');
  }

  run(cmd: string[], env: Record<string, string> = {}): Ran {
    const r = Bun.spawnSync(cmd, { cwd: this.dir, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
    return { code: r.exitCode ?? 1, out: `${r.stdout.toString()}${r.stderr.toString()}` };
  }

  /** Runs a shell line as written in a README (`bun add …`, `npm install …`). */
  sh(line: string): Ran {
    return this.run(["bash", "-c", line]);
  }
}
