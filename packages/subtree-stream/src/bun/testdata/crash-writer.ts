// Child process for the crash test: opens an atomic sink for argv[2], writes and flushes 1 MiB,
// prints the temp path, then waits to be killed with SIGKILL mid-write (no cleanup can run).
import { createAtomicFileSink } from "../index.ts";

const finalPath = process.argv[2];
if (!finalPath) throw new Error("usage: crash-writer.ts <final path>");
const sink = await createAtomicFileSink(finalPath, { header: new TextEncoder().encode("SD-1.0  ") });
await sink.write(new Uint8Array(1024 * 1024).fill(7));
await sink.flush();
console.log(sink.tempPath);
setInterval(() => void sink.write(new Uint8Array(4096).fill(8)), 5);
