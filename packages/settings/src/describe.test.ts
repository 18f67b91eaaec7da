import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { definitions } from "./definitions.ts";
import { describeSettings } from "./describe.ts";
import { loadSettings } from "./load.ts";

test("describeSettings documents every loaded key, and each default parses to the loaded value", () => {
  const cwd = mkdtempSync(join(tmpdir(), "stk-describe-"));
  try {
    const settings = loadSettings({ cwd, env: {} });
    const described = describeSettings();
    expect(described.map((d) => d.key)).toEqual(Object.keys(settings) as never);
    for (const d of described) {
      expect(d.meaning.length).toBeGreaterThan(5);
      expect(d.type.length).toBeGreaterThan(2);
      expect(d.reference.length).toBeGreaterThan(3);
      expect(definitions[d.key].schema.parse(d.default)).toEqual(settings[d.key] as never);
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
