import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../testing/free-port.ts";
import { type CliRun, runCli } from "../testing/run-cli.ts";

// Issue 16, defect 5: `--help` fell through to `serve` and listened on 0.0.0.0:8090.
const COMMANDS = ["serve", "import", "seed", "start"] as const;

const root = mkdtempSync(join(tmpdir(), "asset-help-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// As on a fresh clone: stores default to ./data under cwd, so a store opened by mistake shows up there.
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
for (const k of ["txstore", "subtreestore", "TXSTORE", "SUBTREESTORE", "logLevel"]) delete env[k];

/**
 * Runs the CLI with a free port as its listen address. A run that listened would not exit by
 * itself (it is killed at the deadline: `code` undefined) and would log "asset server listening";
 * one that opened the stores or seeded would leave `./data` behind.
 */
async function cli(args: string[]): Promise<CliRun> {
  const cwd = mkdtempSync(join(root, "run-"));
  const run = await runCli(args, {
    cwd,
    env: { ...env, asset_httpListenAddress: `127.0.0.1:${freePort()}` },
    deadlineMs: 10_000,
  });
  expect(run.stdout + run.stderr).not.toContain("listening");
  expect(readdirSync(cwd)).toEqual([]);
  return run;
}

describe("help (child processes)", () => {
  test.each([["--help"], ["-h"], ["help"]])(
    "`%s` prints every command and exits 0 on its own, without listening or opening stores",
    async (flag) => {
      const run = await cli([flag]);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("");
      for (const name of COMMANDS) expect(run.stdout).toContain(`subtreekit-asset ${name}`);
    },
    20_000,
  );

  test("the overview names every flag each command's own help names", async () => {
    const overview = (await cli(["--help"])).stdout;
    for (const name of COMMANDS) {
      const own = (await cli([name, "--help"])).stdout;
      const flags = own.match(/--[a-z][a-z-]*/g) ?? [];
      for (const flag of flags) expect(overview).toContain(flag);
    }
  }, 60_000);

  test.each(
    COMMANDS.flatMap((name) => [
      [name, "--help"],
      [name, "-h"],
      ["help", name],
    ]),
  )(
    "`%s %s` prints that command's usage and exits 0 without listening, opening stores or seeding",
    async (first: string, second: string) => {
      const args = [first, second];
      const run = await cli(args);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("");
      const name = args[0] === "help" ? args[1] : args[0];
      expect(run.stdout).toStartWith(`usage: subtreekit-asset ${name}`);
      for (const other of COMMANDS.filter((c) => c !== name)) {
        expect(run.stdout).not.toContain(`subtreekit-asset ${other}`);
      }
    },
    20_000,
  );

  test.each([
    [["bogus"], "bogus"],
    [["help", "bogus"], "bogus"],
    [["--bogus"], "--bogus"],
    [["serve", "--bogus"], "--bogus"],
    [["serve", "extra"], "extra"],
    [["start", "--bogus"], "--bogus"],
    [["seed", "--bogus"], "--bogus"],
    [["import", "--bogus"], "--bogus"],
  ])(
    "%j is a usage error (exit 2) that names %s",
    async (args, named) => {
      const run = await cli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(named);
      expect(run.stdout).toBe("");
    },
    20_000,
  );
});
