/**
 * Regenerates the settings table in README.md from describeSettings(), between the
 * `settings-table` markers. Run with `bun run readme`; readme.test.ts fails when it is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { replaceSettingsTable } from "../src/readme-table.ts";

const path = join(import.meta.dir, "..", "README.md");
writeFileSync(path, replaceSettingsTable(readFileSync(path, "utf8")));
console.log("README.md settings table regenerated");
