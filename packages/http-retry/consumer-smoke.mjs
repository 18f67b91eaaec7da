// Installed-tarball check (run by packages/testkit/src/packaging.test.ts under Node 20 and Bun).
import assert from "node:assert/strict";
import http from "node:http";
import {
  fetchWithRetry,
  isServiceUnavailable,
  NotFoundError,
  parseRetryAfter,
  ServiceUnavailableError,
} from "@subtreekit/http-retry";

let requests = 0;
const server = http.createServer((req, res) => {
  requests++;
  if (req.url === "/missing") {
    res.writeHead(404).end("no such subtree");
  } else if (requests === 1) {
    res.writeHead(503, { "retry-after": "0" }).end("busy");
  } else {
    res.writeHead(200, { "content-type": "application/octet-stream" }).end("subtree-bytes");
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

try {
  const retries = [];
  const res = await fetchWithRetry(`${base}/subtree`, undefined, {
    initialDelayMs: 1,
    onRetry: ({ attempt, error }) => retries.push([attempt, error.code]),
  });
  assert.equal(await res.text(), "subtree-bytes");
  assert.equal(requests, 2);
  assert.deepEqual(retries, [[1, "SERVICE_UNAVAILABLE"]]);

  const missing = await fetchWithRetry(`${base}/missing`, undefined, { initialDelayMs: 1 }).catch((e) => e);
  assert.ok(missing instanceof NotFoundError);
  assert.equal(missing.bodySnippet, "no such subtree");
  assert.equal(requests, 3);

  assert.equal(parseRetryAfter("30", 0), 30_000);
  assert.ok(
    isServiceUnavailable(new Error("wrapped", { cause: new ServiceUnavailableError({ url: base, method: "GET" }) })),
  );
  console.log("ok");
} finally {
  server.closeAllConnections?.();
  server.close();
}
