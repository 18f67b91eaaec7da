import { expect, test } from "bun:test";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.ts";

// bench/storm.ts seeds for minutes before its first run: a typo in a flag must stop it before
// any of that, naming the bad value and the valid ones.
function storm(...args: string[]) {
  const r = Bun.spawnSync(["bun", join(REPO_ROOT, "bench/storm.ts"), ...args], { stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

test("bench:storm --runs with an unknown name exits 2 before seeding and lists the valid runs", () => {
  const r = storm("--runs", "capped,prefix");
  expect(r.code).toBe(2);
  expect(r.err).toContain('--runs: unknown run "prefix"; valid runs: capped, unlimited, pre-fix, wide');
  expect(r.out).toBe(""); // no "seeding…", no safety-limit line: nothing ran
});

test("bench:storm with an unknown flag or a bad number exits 2 with the usage, before seeding", () => {
  for (const [args, says] of [
    [["--bogus"], "Unknown option '--bogus'"],
    [["--peers", "many"], '--peers must be a non-negative number, got "many"'],
    [["--set", "nokey"], '--set expects key=value, got "nokey"'],
  ] as const) {
    const r = storm(...args);
    expect(`${args.join(" ")} → ${r.code}`).toBe(`${args.join(" ")} → 2`);
    expect(r.err).toContain(says);
    expect(r.err).toContain("usage: bun run bench:storm");
    expect(r.out).toBe("");
  }
});
