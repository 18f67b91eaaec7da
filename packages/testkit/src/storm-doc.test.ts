import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MEASURED_END, MEASURED_START, replaceMeasured } from "../../../bench/storm/measured-section.ts";
import { REPO_ROOT } from "./paths.ts";

// docs/storm.md holds the hand-written account of the storm and, between two markers, the table
// bench:storm writes. A run must replace the table and nothing else.
test("bench:storm rewrites only the measured section of docs/storm.md", () => {
  const doc = `# The storm\n\nmethod\n\n${MEASURED_START}\n## Measured\nold table\n${MEASURED_END}\n\nafter\n`;
  const next = replaceMeasured(doc, `${MEASURED_START}\n## Measured\nnew table\n${MEASURED_END}`);
  expect(next).toBe(`# The storm\n\nmethod\n\n${MEASURED_START}\n## Measured\nnew table\n${MEASURED_END}\n\nafter\n`);
  expect(replaceMeasured("# Doc\n", "S")).toBe("# Doc\n\nS\n");
});

test("docs/storm.md has the hand-written account before exactly one measured section", () => {
  const doc = readFileSync(join(REPO_ROOT, "docs/storm.md"), "utf8");
  expect(doc.split(MEASURED_START).length).toBe(2);
  expect(doc.split(MEASURED_END).length).toBe(2);
  const before = doc.slice(0, doc.indexOf(MEASURED_START));
  expect(before).toContain("## What the numbers show");
  expect(before).toContain("![Server RSS over time");
});
