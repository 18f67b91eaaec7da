// Child process for the crash test: starts a blob write, reports its temp file, then waits to be
// killed with SIGKILL mid-write (no chance to clean up). A third argument records that DAH first.
import { fromDisplayHex } from "@subtreekit/subtree-stream";
import { FileBlobStore } from "../file-blob-store.ts";

const [root, hex, dah] = process.argv.slice(2) as [string, string, string | undefined];
const store = new FileBlobStore(root, { fsync: "none" });
const w = await store.createWriter(fromDisplayHex(hex), "subtreeData", dah ? { dah: Number(dah) } : {});
await w.write(new Uint8Array(64 * 1024).fill(7));
await w.flush();
console.log(JSON.stringify({ tempPath: w.tempPath }));
setInterval(() => {}, 1000);
