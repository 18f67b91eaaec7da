import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeSettings } from "./describe.ts";
import { replaceSettingsTable } from "./readme-table.ts";

test("README's settings table matches describeSettings() (run `bun run readme` to fix)", () => {
  const readme = readFileSync(join(import.meta.dir, "..", "README.md"), "utf8");
  expect(readme).toBe(replaceSettingsTable(readme));
  for (const s of describeSettings()) expect(readme).toContain(`| \`${s.key}\` | \`${s.default}\` |`);
});
