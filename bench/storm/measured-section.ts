// docs/storm.md is one page: the hand-written account of the storm, then the table of the last
// run. The bench rewrites only the part between these markers, so the two never drift apart.
export const MEASURED_START = "<!-- measured: written by bun run bench:storm -->";
export const MEASURED_END = "<!-- end of measured -->";

/** `doc` with its measured section replaced by `section` (appended when the doc has none yet). */
export function replaceMeasured(doc: string, section: string): string {
  const start = doc.indexOf(MEASURED_START);
  const end = doc.indexOf(MEASURED_END);
  if (start < 0 || end < start) return `${doc.trimEnd()}\n\n${section}\n`;
  return `${doc.slice(0, start)}${section}${doc.slice(end + MEASURED_END.length)}`;
}
