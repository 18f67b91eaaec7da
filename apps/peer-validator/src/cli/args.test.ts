import { describe, expect, test } from "bun:test";
import { UsageError } from "../errors/usage-error.ts";
import { parseCliArgs } from "./args.ts";

const HASH = "ab".repeat(32);
const base = ["subtree", HASH, "--peer", "http://127.0.0.1:1/api/v1"];

function usageMessage(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe("BAD_ARGS");
    return (err as Error).message;
  }
  throw new Error(`parseCliArgs accepted ${argv.join(" ")}`);
}

describe("--timeout", () => {
  test("reads the settings' duration syntax, units included", () => {
    for (const [text, ms] of [
      ["30000", 30_000],
      ["250ms", 250],
      ["30s", 30_000],
      ["5m", 300_000],
      ["1h", 3_600_000],
      ["1.5s", 1500],
    ] as const)
      expect(parseCliArgs([...base, "--timeout", text]).timeoutMs).toBe(ms);
    expect(parseCliArgs(base).timeoutMs).toBeUndefined();
  });

  test("a value that rounds to 0 ms is refused, naming the flag and the value (it used to become 0 and throw later)", () => {
    for (const bad of ["0.1", "0", "0s"]) {
      const msg = usageMessage([...base, "--timeout", bad]);
      expect(msg).toContain("--timeout");
      expect(msg).toContain(JSON.stringify(bad));
    }
  });

  test("text that is not a duration is refused", () => {
    for (const bad of ["soon", "-5s", "5d", ""])
      expect(usageMessage([...base, "--timeout", bad])).toContain("--timeout");
  });
});
